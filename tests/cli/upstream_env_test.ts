/**
 * Configs written for @izumisy/kyrage: environment sections, `dev`, unknown
 * keys and errors that name the table.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestDatabase } from "../support/backends.ts";
import { runCli, tempProject } from "../support/cli.ts";

const SCHEMA = `import { column as c, defineTable as t } from "kyrage";
export const members = t("members", { id: c("uuid", { primaryKey: true }) });
export const extra = t("extra", { id: c("integer", { primaryKey: true }) });
`;

Deno.test({
  name: "$<env> sections are selected by KYRAGE_ENV, else NODE_ENV, and merged over the base",
  sanitizeResources: false,
  async fn() {
    const server = await createTestDatabase("postgres");
    try {
      const dir = await tempProject({
        "schema.ts": SCHEMA,
        "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { extra, members } from "./schema";
export default defineConfig({
  $production: { database: { dialect: "postgres", connectionString: ${
          JSON.stringify(server.databaseUrl)
        } }, tables: [extra] },
  $development: { database: { dialect: "pglite", dataDir: "dev-data" } },
  tables: [members],
});`,
      });
      const production = await runCli(["plan"], { cwd: dir, env: { NODE_ENV: "production" } });
      assert.equal(production.code, 0, production.stderr);
      assert.match(production.stdout, /CREATE TABLE "public"\."extra"/, "arrays concatenate");
      assert.match(production.stdout, /CREATE TABLE "public"\."members"/);
      assert.match(production.stdout, /127\.0\.0\.1|localhost/);

      const development = await runCli(["plan"], {
        cwd: dir,
        env: { NODE_ENV: "production", KYRAGE_ENV: "development" },
      });
      assert.equal(development.code, 0, development.stderr);
      assert.doesNotMatch(development.stdout, /"extra"/);
      assert.ok(Deno.statSync(`${dir}/dev-data`).isDirectory, "KYRAGE_ENV beats NODE_ENV");

      const none = await runCli(["plan"], { cwd: dir });
      assert.equal(none.code, 0, none.stderr);
      assert.match(
        none.stderr,
        /Using the embedded PGlite database in .*\.kyrage\/pglite/,
        "no section without an env",
      );
    } finally {
      await server.dispose();
    }
  },
});

Deno.test({
  name: "dev.connectionString: --dev, check and drift run in a scratch database on that server, dropped after",
  sanitizeResources: false,
  async fn() {
    const server = await createTestDatabase("postgres");
    try {
      const dir = await tempProject({
        "schema.ts": SCHEMA,
        "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({ dev: { connectionString: ${JSON.stringify(server.databaseUrl)} }, tables: [members] });`,
      });
      const plan = await runCli(["plan", "--dev"], { cwd: dir });
      assert.equal(plan.code, 0, plan.stderr);
      const scratch = /scratch database (kyrage_dev_\w+) on /.exec(plan.stdout)?.[1];
      assert.ok(scratch, plan.stdout);
      assert.equal((await runCli(["generate", "--dev"], { cwd: dir })).code, 0);
      const check = await runCli(["check"], { cwd: dir });
      assert.equal(check.code, 0, check.stdout + check.stderr);

      const db = await server.open();
      try {
        const left = await sql<{ n: number }>`
          select count(*)::int as n from pg_database where datname like 'kyrage_dev_%'`.execute(db.db);
        assert.equal(left.rows[0].n, 0, "every scratch database is dropped");
      } finally {
        await db.close();
      }
    } finally {
      await server.dispose();
    }
  },
});

async function configError(config: string): Promise<string> {
  const dir = await tempProject({
    "schema.ts": SCHEMA,
    "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
import { members } from "./schema";
export default defineConfig(${config} as never);`,
  });
  const result = await runCli(["plan", "--dev"], { cwd: dir });
  assert.equal(result.code, 1, result.stdout);
  return result.stderr;
}

Deno.test("an unknown key is an error naming it, at the top level and in a column", async () => {
  assert.match(
    await configError(`{ tables: [members], dataase: {} }`),
    /unknown key "dataase" in the top level of the config/,
  );
  assert.match(
    await configError(`{ tables: [members, t("posts", { id: c("uuid", { notnul: true } as never) })] }`),
    /unknown key "notnul" in tables\[1\]\.columns\.id \(table "posts"\)/,
  );
});

Deno.test("config errors name the table, not only an index path", async () => {
  assert.match(
    await configError(
      `{ tables: [members, t("posts", { id: c("uuid"), author_id: c("uuid") }, (t) => [t.reference("writer", members, "id")])] }`,
    ),
    /tables\[1\]\.constraints\[0\] \(table "posts"\): column "writer" is not a column of table "posts"/,
  );
});

Deno.test("dev.container and other dialects get a clear error", async () => {
  assert.match(
    await configError(`{ tables: [members], dev: { container: { image: "postgres:17" } } }`),
    /dev\.container .* kyrage needs no Docker/,
  );
  assert.match(
    await configError(`{ tables: [members], database: { dialect: "cockroachdb", connectionString: "x" } }`),
    /database\.dialect "cockroachdb" is not supported; kyrage manages PostgreSQL only/,
  );
});

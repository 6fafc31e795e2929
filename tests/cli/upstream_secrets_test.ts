/**
 * The commands issue 15 added, given a connection string with a password:
 * `import-upstream`, `apply --plan --pretty`, and `dev.connectionString` on
 * a role that may not create the scratch database. None prints the
 * password, whether it succeeds or fails.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestDatabase } from "../support/backends.ts";
import { runCli, tempProject } from "../support/cli.ts";
import { upstreamFiles } from "../support/upstream_fixture.ts";

const PASSWORD = "Kw9-secret-Zq7";

Deno.test({
  name: "import-upstream, apply --plan --pretty and a dev.connectionString without CREATEDB never print the password",
  sanitizeResources: false,
  async fn() {
    const server = await createTestDatabase("postgres");
    const db = await server.open();
    const role = `kyrage_nocreate_${Date.now().toString(36)}`;
    try {
      await sql`create role ${sql.id(role)} login nocreatedb password ${sql.lit(PASSWORD)}`.execute(db.db);
      await sql`grant all on schema public to ${sql.id(role)}`.execute(db.db);
      const url = new URL(server.databaseUrl!);
      url.username = role;
      url.password = PASSWORD;
      const dir = await tempProject({
        "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({
  database: { dialect: "postgres", connectionString: ${JSON.stringify(url.toString())} },
  dev: { connectionString: ${JSON.stringify(url.toString())} },
  tables: [t("members", { id: c("uuid", { primaryKey: true }), email: c("text") })],
});`,
        ...upstreamFiles(),
      });
      const outputs: string[] = [];
      const cli = async (...args: string[]) => {
        const result = await runCli(args, { cwd: dir });
        outputs.push(result.stdout + result.stderr);
        return result;
      };
      const imported = await cli("import-upstream");
      assert.equal(imported.code, 0, imported.stderr);
      const pretty = await cli("apply", "--plan", "--pretty");
      assert.equal(pretty.code, 0, pretty.stderr);
      const dev = await cli("plan", "--dev");
      assert.equal(dev.code, 1, dev.stdout);
      assert.match(dev.stderr, /CREATEDB/);
      const check = await cli("check");
      assert.equal(check.code, 1, check.stdout);
      for (const output of outputs) assert.ok(!output.includes(PASSWORD), `no password in:\n${output}`);
    } finally {
      await db.close();
      await server.dispose();
      const admin = await createTestDatabase("postgres");
      const cleanup = await admin.open();
      await sql`drop role if exists ${sql.id(role)}`.execute(cleanup.db).catch(() => {});
      await cleanup.close();
      await admin.dispose();
    }
  },
});

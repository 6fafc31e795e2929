/**
 * README "Coming from @izumisy/kyrage", claim by claim, as a user of @izumisy/kyrage 1.6.0 meets it: a project
 * whose database upstream migrated (`tests/support/upstream_project.ts`: Kysely's history tables and rows, data in
 * the tables), its config and DSL as upstream's README writes them, then `kyrage import-upstream`, `status`, `plan`,
 * `generate`, `apply`. Each test quotes the claim it holds the code to.
 *
 * This file: upstream's config as it stands (sections, dialects, connection strings, imports).
 */
import assert from "node:assert/strict";
import { createTestDatabase, serverTest } from "../support/backends.ts";
import { runCli, tempProject } from "../support/cli.ts";
import { SCHEMA } from "../support/upstream_project.ts";

// README: "There is no Docker: `dev.container` is refused with an explanation" and "`$development` / `$production`
// sections [...] every section is checked, selected or not". Upstream's own README puts `dev: { container }` in
// `$development`; with NODE_ENV=production (or none) kyrage takes the config as it is, and refuses it only on the
// machine where `$development` is selected.
Deno.test("dev.container in a section that is not selected is refused with the explanation", async () => {
  const dir = await tempProject({
    "schema.ts": SCHEMA,
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  database: { dialect: "pglite", dataDir: "db" },
  $development: { dev: { container: { image: "postgres:17" } } },
  tables: [members],
});`,
  });
  const selected = await runCli(["plan"], { cwd: dir, env: { NODE_ENV: "development" } });
  assert.equal(selected.code, 1, selected.stdout);
  assert.match(selected.stderr, /dev\.container .* kyrage needs no Docker/);
  const unselected = await runCli(["plan"], { cwd: dir, env: { NODE_ENV: "production" } });
  assert.equal(unselected.code, 1, `$development's dev.container was accepted:\n${unselected.stdout}`);
  assert.match(unselected.stderr, /dev\.container .* kyrage needs no Docker/);
});

// README: "Differences that remain: PostgreSQL only (no `cockroachdb` or `sqlite` dialect)" and "every section is
// checked, selected or not". Upstream's README puts `dialect: "cockroachdb"` in `$production`. kyrage explains the
// refusal only when the dialect is the base config's: in a section, selected or not, the error is a bare zod
// message ("database.dialect: Invalid discriminator value. Expected 'postgres' | 'pglite'").
Deno.test("a cockroachdb dialect in an environment section is refused with the explanation, selected or not", async () => {
  const dir = await tempProject({
    "schema.ts": SCHEMA,
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  database: { dialect: "pglite", dataDir: "db" },
  $production: { database: { dialect: "cockroachdb", connectionString: "postgres://root@prod-db:26257/app" } },
  tables: [members],
});`,
  });
  const selected = await runCli(["plan"], { cwd: dir, env: { NODE_ENV: "production" } });
  assert.equal(selected.code, 1, selected.stdout);
  assert.match(selected.stderr, /"cockroachdb" is not supported; kyrage manages PostgreSQL only/);
  const unselected = await runCli(["plan"], { cwd: dir });
  assert.equal(unselected.code, 1, unselected.stdout);
  assert.match(unselected.stderr, /"cockroachdb" is not supported; kyrage manages PostgreSQL only/);
});

// README: "Extensionless imports (`./schema`) [...] `$development` / `$production` sections (chosen by `KYRAGE_ENV`,
// else `NODE_ENV`; objects merge [...] the section wins; `$env: { ... }` works too". A section giving only the
// connection string keeps the base's dialect; `./schema` may be a directory (`schema/index.ts`), as Node resolves it.
serverTest(
  "a section's database merges key by key over the base; ./schema resolves to schema/index.ts",
  async (_db, _dir, target) => {
    const url = JSON.stringify(target.databaseUrl);
    const dir = await tempProject({
      "schema/index.ts": SCHEMA,
      "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  database: { dialect: "postgres", connectionString: "postgres://nobody@127.0.0.1:1/none" },
  $production: { database: { connectionString: ${url} } },
  $env: { staging: { database: { connectionString: ${url} } } },
  tables: [members],
});`,
    });
    const envs: Record<string, string>[] = [{ NODE_ENV: "production" }, { NODE_ENV: "staging" }, {
      KYRAGE_ENV: "staging",
    }];
    for (const env of envs) {
      const plan = await runCli(["plan"], { cwd: dir, env });
      assert.equal(plan.code, 0, `${JSON.stringify(env)}: ${plan.stdout}${plan.stderr}`);
      assert.match(plan.stdout, /CREATE TABLE "public"\."members"/);
    }
  },
);

// README: "Change `from "@izumisy/kyrage"` to `from "kyrage"`." A schema file the user missed is reported with Deno's
// hint to install upstream's package (`deno add npm:@izumisy/kyrage`), the opposite of what to do.
Deno.test('a leftover import of @izumisy/kyrage says to import from "kyrage", naming the file', async () => {
  const dir = await tempProject({
    "schema.ts": SCHEMA.replace(`from "kyrage"`, `from "@izumisy/kyrage"`),
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({ database: { dialect: "pglite", dataDir: "db" }, tables: [members] });`,
  });
  const plan = await runCli(["plan"], { cwd: dir });
  assert.equal(plan.code, 1, plan.stdout);
  assert.match(plan.stderr, /schema\.ts/);
  assert.doesNotMatch(plan.stderr, /deno add (jsr|npm):@izumisy\/kyrage/);
  assert.match(plan.stderr, /from "kyrage"/);
});

// README: "`$development` / `$production` sections [...] work as they are". Upstream's README writes its sections'
// connection strings as `psql://user:pass@host/db`, which upstream (node-postgres) connects with; kyrage refuses them,
// saying the URL is not PostgreSQL: "is a psql:// URL, but kyrage works with PostgreSQL only".
serverTest("a $development section with upstream's psql:// connection string connects", async (_db, _dir, target) => {
  const url = target.databaseUrl!.replace(/^postgres(ql)?:/, "psql:");
  const dir = await tempProject({
    "schema.ts": SCHEMA,
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  $development: { database: { dialect: "postgres", connectionString: ${JSON.stringify(url)} } },
  tables: [members],
});`,
  });
  const plan = await runCli(["plan"], { cwd: dir, env: { NODE_ENV: "development" } });
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /CREATE TABLE "public"\."members"/);
});

// README: "`$development` / `$production` sections (chosen by `KYRAGE_ENV`, else `NODE_ENV`; [...] the section wins
// [...]) [...] work as they are". Upstream never reads DATABASE_URL: its `$production.database` is the database.
// kyrage keeps its documented precedence (DATABASE_URL wins, Config reference), says so among the "Differences that
// remain", and says on stderr which database it uses instead of the section's, without the password.
serverTest("a $production database is not silently replaced by the app's DATABASE_URL", async (_db, _dir, target) => {
  const app = await createTestDatabase("postgres");
  try {
    const dir = await tempProject({
      "schema.ts": SCHEMA,
      "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  $production: { database: { dialect: "postgres", connectionString: ${JSON.stringify(target.databaseUrl)} } },
  tables: [members],
});`,
    });
    const withPassword = (url: string) => {
      const u = new URL(url);
      u.password = "s3cret-app";
      return u.toString();
    };
    const plan = await runCli(["plan"], {
      cwd: dir,
      env: { NODE_ENV: "production", DATABASE_URL: withPassword(app.databaseUrl!) },
    });
    const appDb = new URL(app.databaseUrl!).pathname.slice(1);
    const sectionDb = new URL(target.databaseUrl!).pathname.slice(1);
    const notice = plan.stderr.split("\n").filter((line) => /DATABASE_URL/.test(line));
    assert.equal(notice.length, 1, `no word that DATABASE_URL replaced $production's database:\n${plan.stderr}`);
    assert.match(notice[0], new RegExp(`/${appDb}\\b[\\s\\S]*\\$production[\\s\\S]*/${sectionDb}\\b`));
    assert.doesNotMatch(plan.stdout + plan.stderr, /s3cret-app/);
    const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
    const remaining = /Differences that remain:[\s\S]*?\n\n/.exec(readme)?.[0] ?? "";
    assert.match(remaining, /DATABASE_URL/, "the README's differences from upstream do not mention DATABASE_URL");
  } finally {
    await app.dispose();
  }
});

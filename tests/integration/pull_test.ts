/**
 * pull round trips on realistic schemas written as plain SQL, on both
 * backends: load SQL into D, pull, apply the pulled schema to an empty E,
 * compare the introspected models (and pg_dump on the server), and require
 * an empty plan of the pulled schema against D.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { loadConfig } from "../../src/config/load.ts";
import type { Database } from "../../src/dialect/database.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { introspect } from "../../src/dialect/postgres/introspect.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { backendTest, createTestDatabase, type TestDatabase } from "../support/backends.ts";
import { generateAndApply, plan } from "../support/pipeline.ts";
import { SQL_SCHEMAS, statements } from "../support/sql_schemas.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";

const SCHEMAS: Record<string, string[]> = { blog: ["public", "blog"] };

async function load(database: Database, script: string): Promise<void> {
  for (const statement of statements(script)) await sql.raw(statement).execute(database.db);
}

async function pgDump(target: TestDatabase): Promise<string[]> {
  const out = await new Deno.Command("pg_dump", {
    args: ["--schema-only", "--no-owner", target.databaseUrl!],
    stdout: "piped",
  })
    .output();
  assert.ok(out.success, "pg_dump runs");
  return new TextDecoder().decode(out.stdout).split("\n")
    // Comments, session settings and pg_dump's per-run \restrict tokens are not schema.
    .filter((l) => l.trim() && !/^(--|SET |SELECT pg_catalog|\\)/.test(l))
    .sort();
}

for (const [name, script] of Object.entries(SQL_SCHEMAS)) {
  backendTest(`pull round-trips the ${name} schema exactly`, async (d) => {
    const schemas = SCHEMAS[name] ?? ["public"];
    const dir = await Deno.makeTempDir({ prefix: "kyrage-pull-" });
    const source = await d.open();
    const e = await createTestDatabase(d.backend);
    const empty = await e.open();
    try {
      await load(source, script);
      const pulled = await pullDatabase(source, schemas);
      assert.equal((await pullDatabase(source, schemas)).source, pulled.source, "deterministic output");
      await Deno.writeTextFile(`${dir}/schema.ts`, pulled.source);
      const keys = [
        ...pulled.source.matchAll(/^export const (enums|tables|types|views|functions|triggers|schemas) =/gm),
      ].map((m) => m[1]);
      await Deno.writeTextFile(
        `${dir}/kyrage.config.ts`,
        `import { defineConfig } from "kyrage";\nimport { ${keys.join(", ")} } from "./schema.ts";\n` +
          `export default defineConfig({ ${keys.join(", ")} });\n`,
      );
      const fmt = await new Deno.Command(Deno.execPath(), {
        args: ["fmt", "--check", `${dir}/schema.ts`],
        cwd: dir,
        stderr: "piped",
      })
        .output();
      assert.ok(fmt.success, `deno fmt clean:\n${new TextDecoder().decode(fmt.stderr)}\n${pulled.source}`);
      const config = await loadConfig(`${dir}/kyrage.config.ts`);

      assert.deepEqual(await plan(source, config), [], "the pulled schema plans empty against D");
      await generateAndApply(empty, config);
      assert.deepEqual(await plan(empty, config), []);
      const options = { schemas, excludeTables: [HISTORY_QUALIFIED] };
      assert.deepEqual(
        await introspect(empty.db, options),
        await introspect(source.db, options),
        "E's catalog equals D's",
      );
      if (d.backend === "postgres" && !pulled.unsupported.length) {
        await sql`drop table ${sql.table(HISTORY_QUALIFIED)}`.execute(empty.db); // kyrage's own bookkeeping
        assert.deepEqual(await pgDump(e), await pgDump(d));
      }
      if (name === "everything") {
        assert.match(pulled.source, /defineView\(\s*"kinds_view",\s*`SELECT/, "the view is pulled");
        assert.match(pulled.source, /defineFunction\("touch", \{/, "the trigger function is pulled");
        assert.match(pulled.source, /defineTrigger\("kinds_touch", \{\s*table: kinds,\s*function: touch,/);
        assert.deepEqual(pulled.unsupported, []);
      }
    } finally {
      await source.close();
      await empty.close();
      await e.dispose();
    }
  });
}

backendTest("pull --baseline starts the history of an existing database without running DDL", async (d) => {
  const source = await d.open();
  await load(source, SQL_SCHEMAS.ecommerce);
  await source.close();
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { enums, tables } from "./schema.ts";
export default defineConfig({ database: ${databaseBlock(d)}, tables, enums });`,
    "schema.ts": "export const enums = [];\nexport const tables = [];\n",
  });
  const pulled = await runCli(["pull", "--baseline", "--force"], { cwd: dir });
  assert.equal(pulled.code, 0, pulled.stderr);
  assert.match(pulled.stdout, /Wrote .*schema\.ts: 4 tables, 0 enums/);
  assert.match(pulled.stdout, /recorded it as applied/);
  assert.match(
    pulled.stdout,
    /Next: `import \{ enums, schemas, tables \} from .*defineConfig\(\{ tables, enums, schemas \}\)/,
  );
  for (const args of [["plan", "--exit-code"], ["check"], ["status"], ["apply"]]) {
    const result = await runCli(args, { cwd: dir });
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
  }
  const status = await runCli(["status"], { cwd: dir });
  assert.match(status.stdout, /applied +\d{17}/);
  assert.match(status.stdout, /Schema: matches/);
});

/**
 * Names that hold the DSL's own separators (a dot, a quote) in the objects
 * of issue 16 that point at a table's column: declared, and pulled back.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  column,
  type Config,
  defineFunction,
  definePolicy,
  defineSequence,
  defineTable,
  defineTrigger,
} from "../../src/config/dsl.ts";
import { loadConfig } from "../../src/config/load.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, plan } from "../support/pipeline.ts";

databaseTest("a sequence owned by a column whose name holds a dot and a quote", async (database, dir) => {
  const config: Config = {
    tables: [defineTable('"t.x"', { id: column("int", { primaryKey: true }), 's.1"': column("bigint") })],
    sequences: [defineSequence("seq", { ownedBy: '"t.x"."s.1"""' })],
  };
  await converge(database, dir, config);
  const owner = await sql<{ a: string }>`
    select a.attname as a from pg_depend d join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
    where d.objid = 'seq'::regclass and d.deptype = 'a'`.execute(database.db);
  assert.deepEqual(owner.rows.map((r) => r.a), ['s.1"']);
  const pulled = await pullDatabase(database, ["public"]);
  const project = `${dir}/pulled`;
  await Deno.mkdir(project);
  await Deno.writeTextFile(`${project}/schema.ts`, pulled.source);
  await Deno.writeTextFile(
    `${project}/kyrage.config.ts`,
    `import { defineConfig } from "kyrage";\nimport { sequences, tables } from "./schema.ts";\n` +
      `export default defineConfig({ tables, sequences });\n`,
  );
  assert.deepEqual(await plan(database, await loadConfig(`${project}/kyrage.config.ts`)), [], pulled.source);
});

databaseTest("a trigger and a policy whose names hold a dot next to a table whose name does", async (database, dir) => {
  const fn = defineFunction("noop", { returns: "trigger", language: "plpgsql", body: "begin return new; end" });
  const a = defineTable("a", { id: column("int", { primaryKey: true }) }, undefined, { rowLevelSecurity: true });
  const ab = defineTable('"a.b"', { id: column("int", { primaryKey: true }) }, undefined, { rowLevelSecurity: true });
  const trigger = (name: string, table: typeof a) =>
    defineTrigger(name, { table, timing: "before", events: ["insert"], forEach: "row", function: fn });
  const config: Config = {
    tables: [a, ab],
    functions: [fn],
    // Same spelling "a.b.c" once the table's and the object's names are joined with a dot.
    triggers: [trigger("b.c", a), trigger("c", ab)],
    policies: [definePolicy("b.c", { table: a, using: "true" }), definePolicy("c", { table: ab, using: "true" })],
  };
  await converge(database, dir, config);
  const triggers = await sql<{ n: number }>`select count(*)::int as n from pg_trigger where not tgisinternal`
    .execute(database.db);
  assert.equal(triggers.rows[0].n, 2);
  const policies = await sql<{ n: number }>`select count(*)::int as n from pg_policy`.execute(database.db);
  assert.equal(policies.rows[0].n, 2);
});

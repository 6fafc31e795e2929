/** Row-level security on tables: the differ's changes and the compiled SQL. */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/load.ts";
import { compileOperation } from "../../src/dialect/postgres/compile.ts";
import { diffSchemas } from "../../src/diff/diff.ts";
import { column, type Config, defineTable, type TableOptions } from "../../src/mod.ts";
import type { SchemaModel } from "../../src/model/types.ts";

const model = (config: Config): SchemaModel => validateConfig(config, "/test/kyrage.config.ts").desired;
const notes = (options: TableOptions = {}) =>
  model({ tables: [defineTable("notes", { id: column("int", { primaryKey: true }) }, undefined, options)] });
const sqlOf = (from: SchemaModel, to: SchemaModel) => diffSchemas(from, to).flatMap(compileOperation);

Deno.test("row-level security: enabled, forced, relaxed and disabled by ALTER TABLE", () => {
  const at = 'ALTER TABLE "public"."notes"';
  assert.deepEqual(sqlOf(notes(), notes({ rowLevelSecurity: true })), [`${at} ENABLE ROW LEVEL SECURITY`]);
  assert.deepEqual(sqlOf(notes({ rowLevelSecurity: true }), notes({ rowLevelSecurity: "force" })), [
    `${at} FORCE ROW LEVEL SECURITY`,
  ]);
  assert.deepEqual(sqlOf(notes({ rowLevelSecurity: "force" }), notes()), [
    `${at} DISABLE ROW LEVEL SECURITY`,
    `${at} NO FORCE ROW LEVEL SECURITY`,
  ]);
  assert.deepEqual(sqlOf(notes({ rowLevelSecurity: "force" }), notes({ rowLevelSecurity: "force" })), []);
});

Deno.test("row-level security: a new table gets it after CREATE TABLE", () => {
  const empty = model({ tables: [] });
  const statements = sqlOf(empty, notes({ rowLevelSecurity: "force" }));
  assert.match(statements[0], /^CREATE TABLE "public"."notes"/);
  assert.deepEqual(statements.slice(1), [
    'ALTER TABLE "public"."notes" ENABLE ROW LEVEL SECURITY',
    'ALTER TABLE "public"."notes" FORCE ROW LEVEL SECURITY',
  ]);
});

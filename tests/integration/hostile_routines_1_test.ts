/**
 * Hostile checks of functions, triggers and materialized views through the
 * real CLI, on the PostgreSQL server and on PGlite: the defects found (each
 * test says what should happen and what did), fixed in the owning module.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { cli, converge, project, query, runStatements, writeSchema } from "../support/claims.ts";
import { pullPlansEmpty, walkSchemas } from "../support/hostile_routines.ts";

const NAMED_TRIGGER = (when: string) =>
  `import { column, defineFunction, defineTable, defineTrigger } from "kyrage";
const t = defineTable('"t) EXECUTE "', { id: column("int", { primaryKey: true }), a: column("int") });
const stamp = defineFunction('"f) EXECUTE "', { returns: "trigger", language: "plpgsql", body: "begin return new; end" });
const trg = defineTrigger("x FOR EACH ROW WHEN (y", {
  table: t, function: stamp, timing: "before", events: ["update"], forEach: "row",
  when: ${JSON.stringify(when)}, args: [") EXECUTE FUNCTION z(", "'", "WHEN ("],
});
export default { tables: [t], functions: [stamp], triggers: [trg] };
`;

// A trigger with a WHEN condition whose name, table, function or arguments hold `FOR EACH ROW WHEN (` or
// `) EXECUTE ` must converge and pull back the same. It did not: the WHEN condition was cut out of
// `pg_get_triggerdef` at the first `FOR EACH ROW WHEN (` and the last `) EXECUTE `, wherever they were, so the
// trigger was created with a WHEN made of its own name and arguments (syntax error on apply).
backendTest("a trigger whose names and arguments spell FOR EACH ROW WHEN ( and ) EXECUTE keeps its WHEN", async (t) => {
  await walkSchemas(t, [
    ["initial", NAMED_TRIGGER("new.a > 0")],
    ["changed", NAMED_TRIGGER("new.a::text <> ') EXECUTE FUNCTION (' and old.a is distinct from new.a")],
  ]);
  await query(t, `insert into "t) EXECUTE " values (1, 1)`);
  await query(t, `update "t) EXECUTE " set a = 2`);
  await pullPlansEmpty(t, "tables, functions, triggers");
});

const MAT_INDEX_FN = (args: string) =>
  `import { column, defineFunction, defineMaterializedView, defineTable } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), a: column("int") });
const f = defineFunction("dbl", { args: ${args}, returns: "int", language: "sql", body: "select $1 * 2", volatility: "immutable" });
const m = defineMaterializedView("m", "select id, a from t", (x) => [x.index([{ expression: "dbl(a)" }], { name: "m_dbl" })]);
export default { tables: [t], views: [m], functions: [f] };
`;

// A function a materialized view's index calls changes signature: the materialized view (kyrage's) must be dropped
// with its index before the old function goes, and created again, index and all, once the new one exists. It was
// not: only the functions the query calls were the materialized view's dependencies, so `generate` refused, saying
// the index "belongs to public.m, which kyrage does not manage".
backendTest("a function a materialized view's index calls changes signature: the view is rebuilt", async (t) => {
  const dir = await walkSchemas(t, [["initial", MAT_INDEX_FN(`[{ type: "int" }]`)]]);
  await query(t, "insert into t values (1, 21)");
  await query(t, "refresh materialized view m");
  await writeSchema(dir, MAT_INDEX_FN(`[{ type: "int" }, { type: "int", default: "0" }]`));
  await converge(dir, "signature", "--allow-destructive");
  assert.deepEqual(await query(t, "select a from m where dbl(a) = 42"), [{ a: 21 }]);
  const indexes = await query(t, "select indexdef from pg_indexes where indexname = 'm_dbl'");
  assert.equal(indexes.length, 1);
}, ["postgres"]);

const EMPTY_PATH = `import { defineFunction } from "kyrage";
const s = defineFunction("s", { returns: "int", language: "sql", body: "select 1", set: { search_path: "" } });
export default { tables: [], functions: [s] };
`;

// `set: { search_path: "" }` (the empty path, the usual guard of a SECURITY DEFINER function) must create the
// function with `SET search_path TO ''`. It did not: the statement read `SET search_path TO` with no value, and
// PostgreSQL refused the config's function (syntax error at or near "AS").
backendTest("set: { search_path: '' } is the empty search path", async (t) => {
  await walkSchemas(t, [["initial", EMPTY_PATH]]);
  assert.deepEqual(await query(t, "select proconfig::text as c from pg_proc where proname = 's'"), [
    { c: '{"search_path=\\"\\""}' },
  ]);
});

// Settings the database lists in another order than the config writes them (`pull` writes `searchPath` before
// `set`; PostgreSQL keeps `SET` clauses in the order given) are the same function: `plan` must be empty. It was not:
// settings were compared in order, so a pulled function was "changed in place" forever.
backendTest("a function's settings in another order than the database lists them are no change", async (t) => {
  await runStatements(t, [
    `create function s() returns int language sql set datestyle to 'ISO, MDY' set search_path to public, pg_temp
     as 'select 1'`,
  ]);
  const dir = await project(
    t,
    `import { defineFunction } from "kyrage";
const s = defineFunction("s", { returns: "int", language: "sql", body: "select 1",
  searchPath: ["public", "pg_temp"], set: { DateStyle: "ISO, MDY" } });
export default { tables: [], functions: [s] };
`,
  );
  const planned = await cli(dir, "plan", "--exit-code");
  assert.equal(planned.code, 0, planned.output);
  await converge(dir, "adopted");
  await pullPlansEmpty(t, "tables, functions");
}, ["postgres"]);

const ROW_TYPE = (table: string, renamed: string) =>
  `import { column, defineFunction, defineTable } from "kyrage";
const t = defineTable(${JSON.stringify(table)}, { id: column("int", { primaryKey: true }) }${renamed});
const f = defineFunction("rid", { args: [{ name: "r", type: ${
    JSON.stringify(table)
  } }], returns: "int", language: "sql",
  body: "select r.id" });
export default { tables: [t], functions: [f] };
`;

// A table renamed (`renamedFrom`) under a function taking its row type: PostgreSQL follows the rename, so the
// function is already what the config declares and the plan holds the rename only. The function's old identity
// (`rid(r t)`) was not rewritten for the rename, so the plan dropped it after the rename had run and apply failed with
// `DROP FUNCTION "public"."rid"(r t)`: type "t" does not exist.
backendTest(
  "a table renamed under a function taking its row type keeps the function",
  async (t) => {
    const dir = await walkSchemas(t, [["initial", ROW_TYPE("t", "")]]);
    await query(t, "insert into t values (1)");
    await writeSchema(dir, ROW_TYPE("t2", `, undefined, { renamedFrom: "t" }`));
    await converge(dir, "renamed");
    assert.deepEqual(await query(t, "select rid(x) as n from t2 x"), [{ n: 1 }]);
  },
  ["postgres", "pglite"],
);

const NAMED_LIKE = (table: string, type: string, renamed: string) =>
  `import { column, defineFunction, defineTable } from "kyrage";
const t = defineTable(${JSON.stringify(table)}, { id: column("int", { primaryKey: true }) }${renamed});
const f = defineFunction("echo", { args: [{ name: "t", type: ${JSON.stringify(`${type}[]`)} }],
  returns: ${JSON.stringify(`setof ${type}`)}, language: "sql", body: "select * from unnest(t)" });
export default { tables: [t], functions: [f] };
`;

// The same with an argument named like the table, of an array of its row type, and a SETOF result: only the
// types follow the rename (the argument keeps its name), and the plan is the rename alone.
backendTest("a table renamed under a function taking an array of it and returning setof it", async (t) => {
  const dir = await walkSchemas(t, [["initial", NAMED_LIKE("t", "t", "")]]);
  await query(t, "insert into t values (1)");
  await writeSchema(dir, NAMED_LIKE("T x", '"T x"', `, undefined, { renamedFrom: "t" }`));
  const generated = await converge(dir, "renamed");
  assert.doesNotMatch(generated, /function/, generated);
  assert.deepEqual(await query(t, `select id from echo(array(select x from "T x" x))`), [{ id: 1 }]);
}, ["postgres"]);

const RENAMED_RETYPED = (table: string, aType: string, rename: string, trigger: boolean) =>
  `import { column, defineFunction, definePolicy, defineTable, defineTrigger } from "kyrage";
const t = defineTable(${JSON.stringify(table)}, { id: column("int", { primaryKey: true }), a: column(${
    JSON.stringify(aType)
  }) }, undefined, { rowLevelSecurity: true${rename} });
const p = definePolicy("positive", { table: t, using: "a > 0" });
const noop = defineFunction("noop", { returns: "trigger", language: "plpgsql", body: "begin return new; end" });
const w = defineTrigger("w", { table: t, timing: "before", events: ["update"], forEach: "row", when: "new.a > 0", function: noop });
export default { tables: [t], policies: [p], functions: [noop], triggers: [${trigger ? "w" : ""}] };
`;

// A table renamed and a column retyped in one change, under a policy reading the column: the policy is kyrage's, so
// it is dropped and created again around the retype. It was refused instead ("policy positive on public.t [...] is
// outside the schemas kyrage owns"): the plan's own drop was named by the table's new name, the dependent by its old.
backendTest("a table renamed and its column retyped under a policy reading it: the policy is rebuilt", async (t) => {
  const dir = await walkSchemas(t, [["initial", RENAMED_RETYPED("t", "int", "", false)]]);
  await query(t, "insert into t values (1, 2)");
  await writeSchema(dir, RENAMED_RETYPED("t2", "bigint", `, renamedFrom: "t"`, false));
  await converge(dir, "renamed and retyped", "--allow-destructive");
  assert.deepEqual(await query(t, "select count(*)::int as n from t2"), [{ n: 1 }]);
}, ["postgres"]);

// The same with a trigger whose WHEN reads the column: it is dropped (under the table's old name, before the
// renames) and created again. `apply` failed with `DROP TRIGGER "w" ON "public"."t2"`: relation "public.t2" does not
// exist: the drop ran before the rename but named the table by its new name.
backendTest(
  "a table renamed and its column retyped under a trigger's WHEN: the trigger is rebuilt",
  async (t) => {
    const dir = await walkSchemas(t, [["initial", RENAMED_RETYPED("t", "int", "", true)]]);
    await writeSchema(dir, RENAMED_RETYPED("t2", "bigint", `, renamedFrom: "t"`, true));
    await converge(dir, "renamed and retyped", "--allow-destructive");
  },
  ["postgres"],
);

/**
 * Hostile checks of views, materialized views, functions, procedures and
 * triggers through the real CLI that hold (gaps the other object tests left):
 * each walk generates, applies and re-plans empty, keeps rows, and a pull of
 * the result plans empty. PostgreSQL server only, to keep the file short.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { converge, query, writeSchema } from "../support/claims.ts";
import { pullPlansEmpty, walkSchemas } from "../support/hostile_routines.ts";

const VIEW_WEB = (viewSql: string) =>
  `import { column, defineFunction, defineMaterializedView, definePolicy, defineTable, defineTrigger, defineView } from "kyrage";
const users = defineTable("users", { id: column("int", { primaryKey: true }), email: column("text"), n: column("int") });
const notes = defineTable("notes", { id: column("int", { primaryKey: true }) }, undefined, { rowLevelSecurity: true });
const base = defineView("base", ${JSON.stringify(viewSql)});
const top = defineView("top", "select * from base");
const mat = defineMaterializedView("mat", "select id, email from base", (m) => [m.index(["id"], { unique: true })]);
const rows = defineFunction("base_rows", { returns: "setof base", language: "sql", body: "select * from base" });
const ins = defineFunction("base_ins", { returns: "trigger", language: "plpgsql",
  body: "begin insert into users(id, email) values (new.id, new.email); return new; end" });
const trg = defineTrigger("base_ins", { table: "base", timing: "instead of", events: ["insert"], forEach: "row", function: ins });
const pol = definePolicy("seen", { table: notes, using: "exists (select 1 from base where base.id = notes.id)" });
export default { tables: [users, notes], views: [base, top, mat], functions: [rows, ins], triggers: [trg], policies: [pol] };
`;

// A view's column retyped, a column put in the middle, a column renamed: CREATE OR REPLACE VIEW cannot, so it is
// dropped and created again with the view over it, the materialized view over it (and its index), the function
// returning its row type, its INSTEAD OF trigger and the policy reading it, each in order.
backendTest("a view's columns retyped, inserted and renamed rebuild every reader in order", async (t) => {
  const dir = await walkSchemas(t, [["initial", VIEW_WEB("select id, email from users")]]);
  await query(t, "insert into users values (1, 'a', 1)");
  for (
    const [label, viewSql] of [
      ["retyped", "select id::bigint as id, email from users"],
      ["inserted", "select id, n, email from users"],
      ["renamed", "select id, n as m, email from users"],
    ]
  ) {
    await writeSchema(dir, VIEW_WEB(viewSql));
    await converge(dir, label, "--allow-destructive");
  }
  await query(t, "insert into base (id, email) values (2, 'b')");
  assert.deepEqual(await query(t, "select count(*)::int as n from base_rows()"), [{ n: 2 }]);
  await pullPlansEmpty(t, "tables, views, functions, triggers, policies");
}, ["postgres"]);

const OVERLOADS = (textArgs: string, textBody: string, outC = "text") =>
  `import { column, defineFunction, defineProcedure, defineTable, defineView } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }) });
const fi = defineFunction("f", { args: [{ name: "a", type: "int" }], returns: "int", language: "sql", body: "select a + 1" });
const ft = defineFunction("f", { args: ${textArgs}, returns: "text", language: "sql", body: ${
    JSON.stringify(textBody)
  } });
const outs = defineFunction("outs", { args: [{ name: "a", type: "int" }, { name: "b", type: "int", mode: "out" },
  { name: "c", type: "${outC}", mode: "out" }], language: "sql", body: "select a * 2, 'x'" });
const vari = defineFunction("vari", { args: [{ name: "xs", type: "int[]", mode: "variadic" }], returns: "int",
  language: "sql", body: "select coalesce(array_length(xs, 1), 0)" });
const io = defineProcedure("io", { args: [{ name: "x", type: "int", mode: "inout" }], language: "plpgsql", body: "begin x := x + 1; end" });
const tab = defineFunction("tab", { returns: "table(id int, doubled int)", language: "sql", body: "select id, id * 2 from t" });
const v = defineView("v", "select f(1) as one, vari(1, 2, 3) as three, (outs(4)).b as eight, (select count(*) from tab()) as n");
export default { tables: [t], views: [v], functions: [fi, ft, outs, vari, tab, io] };
`;

// Overloads changed one at a time (body in place; a new argument with a default, then the default taken away, each
// a new signature), an OUT parameter retyped (a new result), VARIADIC and INOUT kept: the view calling them is
// rebuilt only when a routine it calls is, and every step re-plans empty.
backendTest("overloads changed one at a time, OUT, INOUT and VARIADIC parameters converge", async (t) => {
  const text = `[{ name: "a", type: "text" }]`;
  const twoArgs = `[{ name: "a", type: "text" }, { name: "b", type: "int" }]`;
  await walkSchemas(t, [
    ["initial", OVERLOADS(text, "select a || '!'")],
    ["body", OVERLOADS(text, "select a || '?'")],
    ["new arg", OVERLOADS(`[{ name: "a", type: "text" }, { name: "b", type: "int", default: "1" }]`, "select a || b")],
    ["default gone", OVERLOADS(twoArgs, "select a || b")],
    ["out retyped", OVERLOADS(twoArgs, "select a || b", "varchar")],
  ]);
  assert.deepEqual(await query(t, "select one, three, eight from v"), [{ one: 2, three: 3, eight: 8 }]);
  await pullPlansEmpty(t, "tables, views, functions");
}, ["postgres"]);

const TRIGGERS = (trigger: string, fnName = "stamp") =>
  `import { column, defineFunction, defineTable, defineTrigger } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), a: column("int"), b: column("int") });
const log = defineTable("log", { n: column("int") });
const stamp = defineFunction(${JSON.stringify(fnName)}, { returns: "trigger", language: "plpgsql",
  body: "begin insert into log values (1); return new; end" });
const trg = defineTrigger("trg", { table: t, function: stamp, ${trigger} });
export default { tables: [t, log], functions: [stamp], triggers: [trg] };
`;

// A trigger walked from BEFORE to AFTER, given a WHEN, UPDATE OF columns, then made FOR EACH STATEMENT with
// transition tables and back to a row trigger with hostile arguments: each step in place, re-planning empty.
backendTest("a trigger's timing, WHEN, UPDATE OF columns and level change in place", async (t) => {
  const steps = [
    ["before", `timing: "before", events: ["insert"], forEach: "row"`],
    ["after", `timing: "after", events: ["insert"], forEach: "row"`],
    ["when", `timing: "after", events: ["insert", "update"], forEach: "row", when: "new.a > 0"`],
    ["update of", `timing: "after", events: [{ update: ["a", "b"] }], forEach: "row", when: "old.a <> new.a"`],
    ["update of b", `timing: "after", events: [{ update: ["b"] }], forEach: "row"`],
    [
      "statement",
      `timing: "after", events: ["update"], forEach: "statement", referencing: { oldTable: "o", newTable: "n" }`,
    ],
    ["row again", `timing: "before", events: ["delete"], forEach: "row", args: ["x'y", "$$"]`],
  ];
  await walkSchemas(t, steps.map(([label, trigger]) => [label, TRIGGERS(trigger)]));
}, ["postgres"]);

// The function a trigger executes renamed (the old one no longer declared): the trigger moves to the new function
// before the old one is dropped, and still fires.
backendTest("a trigger function renamed: the trigger follows, then the old function goes", async (t) => {
  const trigger = `timing: "before", events: ["insert"], forEach: "row"`;
  await walkSchemas(t, [["initial", TRIGGERS(trigger)], ["renamed", TRIGGERS(trigger, "stamp2")]]);
  await query(t, "insert into t(id) values (1)");
  assert.deepEqual(await query(t, "select count(*)::int as n from log"), [{ n: 1 }]);
  await pullPlansEmpty(t, "tables, functions, triggers");
}, ["postgres"]);

const VIEW_COLUMNS = (sql: string, cols: string, opts = "") =>
  `import { column, defineMaterializedView, defineTable, defineView } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), a: column("int"), b: column("text") });
const v = defineView("v", ${JSON.stringify(sql)}, { columns: ${cols}${opts} });
const m = defineMaterializedView("m", ${
    JSON.stringify(sql)
  }, (x) => [x.index(["x"])], { columns: ${cols}, withData: false });
export default { tables: [t], views: [v, m] };
`;

// `columns` shorter than the query, then as long, a name changed, options set and changed while the query appends
// a column: CREATE OR REPLACE where PostgreSQL allows it, rebuilt otherwise; a materialized view WITH NO DATA with an
// index on a named column follows.
backendTest("view column names and options change with the query", async (t) => {
  await walkSchemas(t, [
    ["initial", VIEW_COLUMNS("select id, a from t", `["x", "y"]`)],
    ["append", VIEW_COLUMNS("select id, a, b from t", `["x", "y"]`)],
    ["named", VIEW_COLUMNS("select id, a, b from t", `["x", "y", "z"]`, `, checkOption: "local"`)],
    [
      "renamed",
      VIEW_COLUMNS("select id, a, b from t", `["x", "w", "z"]`, `, checkOption: "cascaded", securityBarrier: true`),
    ],
    ["append opts", VIEW_COLUMNS("select id, a, b, 1 as q from t", `["x", "w", "z"]`, `, securityInvoker: true`)],
  ]);
  await pullPlansEmpty(t, "tables, views");
}, ["postgres"]);

const PINNED = (aType: string, extraColumn: string) =>
  `import { column, defineFunction, defineTable, defineTrigger, defineView } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), a: column(${
    JSON.stringify(aType)
  }), ${extraColumn} });
const sum = defineFunction("suma", { returns: "bigint", language: "sql", body: "begin atomic select sum(a)::bigint from t; end" });
const all = defineFunction("allt", { returns: "setof t", language: "sql", body: "select * from t" });
const v = defineView("rep.v", "select suma() as s, (select count(*) from allt()) as n, t.a from t");
const w = defineFunction("api.vrows", { returns: "setof rep.v", language: "sql", body: "select * from rep.v" });
const noop = defineFunction("noop", { returns: "trigger", language: "plpgsql", body: "begin return new; end" });
const trg = defineTrigger("onb", { table: t, timing: "before", events: [{ update: ["a"] }], forEach: "row",
  when: "old.a is distinct from new.a", function: noop });
export default { tables: [t], views: [v], functions: [sum, all, w, noop], triggers: [trg] };
`;

// A column a BEGIN ATOMIC body pins, a trigger's UPDATE OF and WHEN read, retyped; another column of the table whose
// row type a function returns dropped: the function, the view in another schema calling both and the function in a
// third schema returning the view's rows are dropped and created around it; rows kept.
backendTest("a column pinned by a BEGIN ATOMIC body and a trigger, retyped; readers in other schemas", async (t) => {
  const dir = await walkSchemas(t, [["initial", PINNED("int", `b: column("int")`)]]);
  await query(t, "insert into t values (1, 2, 3)");
  await writeSchema(dir, PINNED("bigint", `b: column("int")`));
  await converge(dir, "retyped", "--allow-destructive");
  await writeSchema(dir, PINNED("bigint", ""));
  await converge(dir, "dropped b", "--allow-destructive");
  assert.deepEqual(await query(t, "select s::int, n::int from api.vrows()"), [{ s: 2, n: 1 }]);
  await pullPlansEmpty(t, "tables, views, functions, triggers, schemas", "public,rep,api");
}, ["postgres"]);

const KIND_SWAP = (procedure: boolean) =>
  `import { defineFunction, defineProcedure } from "kyrage";
const p = ${
    procedure
      ? `defineProcedure("p", { args: [{ name: "a", type: "int" }], language: "sql", body: "select a" })`
      : `defineFunction("p", { args: [{ name: "a", type: "int" }], returns: "int", language: "sql", body: "select a" })`
  };
export default { tables: [], functions: [p] };
`;

// A procedure made a function of the same name and arguments, and back: the old one is dropped before the new one
// is created (PostgreSQL refuses two routines with one signature).
backendTest("a procedure becomes a function of the same signature, and back", async (t) => {
  await walkSchemas(t, [["procedure", KIND_SWAP(true)], ["function", KIND_SWAP(false)], ["again", KIND_SWAP(true)]]);
}, ["postgres"]);

const WHEN_CALLS = (args: string) =>
  `import { column, defineFunction, defineTable, defineTrigger } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), a: column("int") });
const ok = defineFunction("ok", { args: ${args}, returns: "boolean", language: "sql", body: "select $1 > 0" });
const outer = defineFunction("outer_fn", { args: [{ name: "x", type: "boolean", default: "ok(1)" }], returns: "boolean",
  language: "sql", body: "select x" });
const noop = defineFunction("noop", { returns: "trigger", language: "plpgsql", body: "begin return new; end" });
const trg = defineTrigger("w", { table: t, timing: "before", events: ["update"], forEach: "row", when: "ok(new.a)", function: noop });
export default { tables: [t], functions: [ok, outer, noop], triggers: [trg] };
`;

// A function that a trigger's WHEN and another function's argument default call gets a new signature: the trigger
// and the other function are dropped before it and created again after.
backendTest("a function a trigger's WHEN and another function's default call changes signature", async (t) => {
  await walkSchemas(t, [
    ["initial", WHEN_CALLS(`[{ type: "int" }]`)],
    ["signature", WHEN_CALLS(`[{ type: "int" }, { type: "int", default: "0" }]`)],
  ]);
  await query(t, "insert into t values (1, 1)");
  await query(t, "update t set a = 2");
}, ["postgres"]);

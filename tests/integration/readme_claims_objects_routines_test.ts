/**
 * Hostile checks of README "Config reference" claims about views, functions,
 * triggers, policies, domains, extensions and sequences, each through the
 * real CLI (`generate`, `apply`, `plan --exit-code`, `pull`) on the
 * PostgreSQL server and on PGlite. Every test quotes the claim it holds the
 * code to.
 *
 * This file: functions, procedures and triggers changed by hand are noticed, and rebuilt around what
 * they read or what calls them.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { cli, converge, project, query, writeSchema } from "../support/claims.ts";
import { unnoticed } from "../support/hand_changes.ts";

const ROUTINES = `import { column, defineFunction, defineProcedure, defineTable, defineTrigger } from "kyrage";
const log = defineTable('"Audit Log"', {
  id: column("int", { primaryKey: true }),
  "user": column("text"),
  updated_at: column("timestamptz"),
});
const touch = defineFunction('"Touch It"', {
  returns: "trigger",
  language: "plpgsql",
  body: "begin new.updated_at := now(); return new; end",
});
const greet = defineFunction("greet", {
  args: [{ name: "who", type: "text", default: "'world'" }],
  returns: "text",
  language: "sql",
  body: "select 'hello ' || who",
  volatility: "stable",
  securityDefiner: true,
  searchPath: ["public", "pg_temp"],
  comment: "Greets",
});
const work = defineProcedure('"Do Work"', { args: [{ name: "n", type: "int" }], language: "plpgsql", body: "begin perform n; end" });
const trigger = defineTrigger('select', {
  table: log,
  timing: "before",
  events: [{ update: ["user"] }],
  forEach: "row",
  when: "old.* is distinct from new.*",
  function: touch,
  args: ["a b"],
  comment: "Touches",
});
export default { tables: [log], functions: [touch, greet, work], triggers: [trigger] };
`;

const GREET = (body: string, extra = "") =>
  `create or replace function greet(who text default 'world') returns text language sql stable security definer ` +
  `set search_path = public, pg_temp${extra} as $$${body}$$`;
const TRIGGER = (when: string, args = "'a b'") =>
  `create or replace trigger "select" before update of "user" on "Audit Log" for each row when (${when}) ` +
  `execute function "Touch It"(${args})`;

// README (Functions, procedures and triggers): "Functions also take `strict`, `leakproof`, `parallel`, `cost`,
// `rows`, `set` (settings) and `comment`; [...] triggers take `args`, `enabled` [...] and `comment`" and (Safety):
// "No "No changes" about what was not compared". Each attribute changed by hand is a difference.
backendTest("a function's, a procedure's and a trigger's attributes changed by hand are noticed", async (target) => {
  const dir = await project(target, ROUTINES);
  await converge(dir, "initial");
  const missed = await unnoticed(target, dir, [
    {
      name: "security invoker",
      change: "alter function greet(text) security invoker",
      undo: GREET("select 'hello ' || who"),
    },
    {
      name: "search_path reset",
      change: "alter function greet(text) reset search_path",
      undo: GREET("select 'hello ' || who"),
    },
    {
      name: "search_path other",
      change: "alter function greet(text) set search_path = public",
      undo: GREET("select 'hello ' || who"),
    },
    { name: "volatility", change: "alter function greet(text) volatile", undo: GREET("select 'hello ' || who") },
    {
      name: "strict",
      change: "alter function greet(text) strict",
      undo: "alter function greet(text) called on null input",
    },
    {
      name: "leakproof",
      change: "alter function greet(text) leakproof",
      undo: "alter function greet(text) not leakproof",
    },
    {
      name: "parallel",
      change: "alter function greet(text) parallel safe",
      undo: "alter function greet(text) parallel unsafe",
    },
    { name: "cost", change: "alter function greet(text) cost 5", undo: "alter function greet(text) cost 100" },
    {
      name: "setting",
      change: "alter function greet(text) set work_mem = '1MB'",
      undo: "alter function greet(text) reset work_mem",
    },
    {
      name: "comment",
      change: "comment on function greet(text) is null",
      undo: "comment on function greet(text) is 'Greets'",
    },
    { name: "body", change: GREET("select 'hi ' || who"), undo: GREET("select 'hello ' || who") },
    { name: "body whitespace", change: GREET("select 'hello ' || who "), undo: GREET("select 'hello ' || who") },
    {
      name: "default",
      change: "drop function greet(text); " + GREET("select 'hello ' || who").replace("'world'", "'there'") +
        "; comment on function greet(text) is 'Greets'",
      undo: "drop function greet(text); " + GREET("select 'hello ' || who") +
        "; comment on function greet(text) is 'Greets'",
    },
    {
      name: "procedure security definer",
      change: `alter procedure "Do Work"(int) security definer`,
      undo: `alter procedure "Do Work"(int) security invoker`,
    },
    {
      name: "procedure setting",
      change: `alter procedure "Do Work"(int) set search_path = public`,
      undo: `alter procedure "Do Work"(int) reset search_path`,
    },
    {
      name: "trigger disabled",
      change: `alter table "Audit Log" disable trigger "select"`,
      undo: `alter table "Audit Log" enable trigger "select"`,
    },
    {
      name: "trigger always",
      change: `alter table "Audit Log" enable always trigger "select"`,
      undo: `alter table "Audit Log" enable trigger "select"`,
    },
    { name: "trigger when", change: TRIGGER("new.id > 0"), undo: TRIGGER("old.* is distinct from new.*") },
    {
      name: "trigger args",
      change: TRIGGER("old.* is distinct from new.*", "'a  b'"),
      undo: TRIGGER("old.* is distinct from new.*"),
    },
    {
      name: "trigger comment",
      change: `comment on trigger "select" on "Audit Log" is null`,
      undo: `comment on trigger "select" on "Audit Log" is 'Touches'`,
    },
  ]);
  assert.deepEqual(missed, []);
}, ["postgres"]);

// README (Functions, procedures and triggers), the example as printed (kept in step with it): it once listed
// "insert" with `when: "old.* is distinct from new.*"`, which PostgreSQL refuses (no OLD on an INSERT trigger).
backendTest("the README's users_touch trigger example converges", async (target) => {
  const dir = await project(
    target,
    `import { column, defineFunction, defineTable, defineTrigger } from "kyrage";
const users = defineTable("users", {
  id: column("bigserial", { primaryKey: true }),
  name: column("text"),
  updated_at: column("timestamptz"),
});
const touch = defineFunction("touch_updated_at", {
  returns: "trigger",
  language: "plpgsql",
  body: "begin new.updated_at := now(); return new; end",
});
const usersTouch = defineTrigger("users_touch", {
  table: users,
  timing: "before", // "after" | "instead of"
  events: [{ update: ["name"] }], // "insert", "delete", "truncate"
  forEach: "row",
  when: "old.* is distinct from new.*", // OLD exists for update and delete only
  function: touch, // or "audit.log_change"
});
export default { tables: [users], functions: [touch], triggers: [usersTouch] };
`,
  );
  await converge(dir, "README example");
}, ["postgres"]);
// README (Functions, procedures and triggers): a trigger "is dropped and created again around a change to a column it
// reads", and "A change PostgreSQL accepts in place (body, attributes, settings, a new default) is `CREATE OR
// REPLACE`" (so grants on the function, which kyrage does not manage, stay). A trigger whose WHEN alone reads the
// retyped column; a function body changed under a grant.
backendTest("a trigger's WHEN column retyped, and a function body changed under a grant", async (target) => {
  const schema = (type: string, body: string) =>
    `import { column, defineFunction, defineTable, defineTrigger } from "kyrage";
const t = defineTable("stock", { id: column("int", { primaryKey: true }), qty: column("${type}") });
const f = defineFunction("check qty", { returns: "trigger", language: "plpgsql", body: ${JSON.stringify(body)} });
export default {
  tables: [t],
  functions: [f],
  triggers: [defineTrigger("qty seen", { table: t, timing: "before", events: ["insert"], forEach: "row", when: "new.qty > 0", function: f })],
};
`;
  const dir = await project(target, schema("int", "begin return new; end"));
  await converge(dir, "initial");
  await query(target, `revoke execute on function "check qty"() from public`);
  await writeSchema(dir, schema("int", "begin new.id := new.id; return new; end"));
  await converge(dir, "body");
  assert.deepEqual(
    await query(target, `select has_function_privilege('public', '"check qty"()', 'execute') as granted`),
    [{ granted: false }],
    "the revoke stays",
  );
  await query(target, "insert into stock values (1, 5)");
  await writeSchema(dir, schema("bigint", "begin new.id := new.id; return new; end"));
  await converge(dir, "retyped");
  assert.deepEqual(await query(target, "select count(*)::int as n from pg_trigger where tgname = 'qty seen'"), [{
    n: 1,
  }]);
  assert.deepEqual(await query(target, "select id, qty::int as qty from stock"), [{ id: 1, qty: 5 }]);
}, ["postgres"]);

// README (Functions, procedures and triggers): "a new argument list or result type drops the function and creates
// it again [...] with the defaults, checks and indexes of tables that call it: they are taken off before the old
// function is dropped and put back once the new one exists". A domain check calling the function, with a column
// using the domain: seen refused with "domain public.positive would have to be dropped and created again (base type
// integer → integer)", which names neither the function nor a real change of the domain.
backendTest(
  "a function a domain check calls changes signature: the check is taken off and put back",
  async (target) => {
    const schema = (args: string) =>
      `import { column, defineDomain, defineFunction, defineTable } from "kyrage";
const isPos = defineFunction("is pos", { args: [${args}], returns: "boolean", language: "sql", body: "select v > 0" });
const positive = defineDomain("positive", { type: "int", checks: [{ name: "pos", expression: 'VALUE > 0 and "is pos"(VALUE)' }] });
const t = defineTable("t", { id: column("int", { primaryKey: true }), n: column(positive) });
export default { tables: [t], functions: [isPos], domains: [positive] };
`;
    const dir = await project(target, schema(`{ name: "v", type: "int" }`));
    await converge(dir, "initial");
    await query(target, "insert into t values (1, 5)");
    await writeSchema(dir, schema(`{ name: "v", type: "int" }, { name: "unused", type: "int", default: "0" }`));
    const generated = await cli(dir, "generate", "--allow-destructive");
    if (generated.code !== 0) {
      // A refusal must say what is in the way: the function the check calls, not a base type that did not change.
      assert.match(generated.output, /is pos/, generated.output);
      assert.doesNotMatch(generated.output, /base type integer → integer/, generated.output);
      return;
    }
    const applied = await cli(dir, "apply");
    assert.equal(applied.code, 0, applied.output);
    assert.equal((await cli(dir, "plan", "--exit-code")).code, 0);
    assert.deepEqual(await query(target, "select n from t"), [{ n: 5 }]);
    await assert.rejects(() => query(target, "insert into t values (2, -1)"), /pos/);
  },
  ["postgres"],
);

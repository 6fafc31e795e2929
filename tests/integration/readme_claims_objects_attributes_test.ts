/**
 * Hostile checks of README "Config reference" claims about views, functions,
 * triggers, policies, domains, extensions and sequences, each through the
 * real CLI (`generate`, `apply`, `plan --exit-code`, `pull`) on the
 * PostgreSQL server and on PGlite. Every test quotes the claim it holds the
 * code to.
 *
 * This file: every attribute of views, functions, procedures, triggers, policies, domains and sequences
 * set and taken away, in place.
 */
import assert from "node:assert/strict";
import { backendTest, type TestDatabase } from "../support/backends.ts";
import { cli, converge, project, query, writeSchema } from "../support/claims.ts";

/**
 * From `schema(base)`, each variant in turn and back: `generate`, `apply`, then an empty `plan --exit-code`, with
 * the migration's operations all matching `allowed` (`alter_object` when the README says "in place"). Returns what
 * failed, so one run names every attribute that does not round-trip.
 */
async function walk(
  target: TestDatabase,
  schema: (options: string) => string,
  base: string,
  variants: readonly (string | [string, RegExp])[],
  allowed = /^alter_object /,
): Promise<string[]> {
  const dir = await project(target, schema(base));
  await converge(dir, "base");
  const failures: string[] = [];
  const migrations = async () => {
    const names: string[] = [];
    for await (const e of Deno.readDir(`${dir}/migrations`)) names.push(e.name);
    return names;
  };
  for (const variant of variants) {
    const [options, ok] = typeof variant === "string" ? [variant, allowed] : variant;
    for (const [label, written] of [[`to ${options}`, options], [`back from ${options}`, base]]) {
      const before = new Set(await migrations());
      await writeSchema(dir, schema(written));
      const generated = await cli(dir, "generate");
      if (generated.code !== 0) {
        failures.push(`${label}: generate failed:\n${generated.output}`);
        await writeSchema(dir, schema(base));
        break;
      }
      const added = (await migrations()).filter((n) => !before.has(n));
      const ops = [];
      for (const file of added) {
        const migration = JSON.parse(await Deno.readTextFile(`${dir}/migrations/${file}`));
        for (const op of migration.operations) ops.push(`${op.kind} ${op.object?.name ?? op.to?.name ?? ""}`);
      }
      const wrong = ops.filter((o) => !ok.test(o));
      if (wrong.length > 0) failures.push(`${label}: not in place: ${ops.join(", ")}`);
      const applied = await cli(dir, "apply");
      if (applied.code !== 0) {
        failures.push(`${label}: apply failed:\n${applied.output}`);
        for (const file of added) await Deno.remove(`${dir}/migrations/${file}`);
        await writeSchema(dir, schema(base));
        break;
      }
      const replanned = await cli(dir, "plan", "--exit-code");
      if (replanned.code !== 0) failures.push(`${label}: re-plan not empty:\n${replanned.output}`);
    }
  }
  return failures;
}

// README (Views and materialized views): "Views take `columns`, `securityBarrier`, `securityInvoker`,
// `checkOption: "local" | "cascaded"` and `comment`; materialized views take `columns`, `withData` [...], `comment`
// and indexes". Each attribute set, then taken away, converges; options and comments change in place.
backendTest("every view and materialized view attribute is set and taken away, in place", async (target) => {
  const views = (options: string) =>
    `import { column, defineMaterializedView, defineTable, defineView } from "kyrage";
const items = defineTable("items", { id: column("int", { primaryKey: true }), qty: column("int") });
const o = ${options};
export default {
  tables: [items],
  views: [
    defineView("Active Items", "select id, qty from items where qty > 0", o.view),
    defineMaterializedView("item totals", "select qty, count(*) as n from items group by qty", o.indexes, o.mat),
  ],
};
`;
  const failures = await walk(target, views, "{ view: {}, mat: {} }", [
    "{ view: { securityBarrier: true }, mat: {} }",
    "{ view: { securityInvoker: true }, mat: {} }",
    `{ view: { checkOption: "local" }, mat: {} }`,
    `{ view: { checkOption: "cascaded" }, mat: {} }`,
    `{ view: { comment: "it's \\"here\\"" }, mat: {} }`,
    [`{ view: { columns: ["item id", "quantity"] }, mat: {} }`, /^(drop|create)_object Active Items$/],
    `{ view: {}, mat: { comment: "totals" } }`,
    `{ view: {}, mat: {}, indexes: (m) => [m.index(["qty"], { unique: true })] }`,
    [`{ view: {}, mat: { columns: ["q", "how many"] } }`, /^(drop|create)_object item totals$/],
  ]);
  assert.deepEqual(failures, []);
}, ["postgres"]);

// README (Functions, procedures and triggers): `volatility`, `securityDefiner`, `searchPath`; "Functions also take
// `strict`, `leakproof`, `parallel`, `cost`, `rows`, `set` (settings) and `comment`"; "A change PostgreSQL accepts in
// place (body, attributes, settings, a new default) is `CREATE OR REPLACE`". Each set, then taken away.
backendTest("every function and procedure attribute is set and taken away, in place", async (target) => {
  const routines = (options: string) =>
    `import { defineFunction, defineProcedure } from "kyrage";
const o = ${options};
export default {
  tables: [],
  functions: [
    defineFunction('"Greet"', {
      args: [{ name: "who", type: "text", ...o.arg }],
      returns: "text",
      language: "sql",
      body: "select 'hello ' || who",
      ...o.f,
    }),
    defineFunction("series", { args: [{ name: "n", type: "int" }], returns: "setof int", language: "sql",
      body: "select generate_series(1, n)", ...o.s }),
    defineProcedure("do it", { args: [{ name: "n", type: "int" }], language: "plpgsql", body: "begin perform n; end", ...o.p }),
  ],
};
`;
  const failures = await walk(target, routines, "{}", [
    `{ f: { volatility: "stable" } }`,
    `{ f: { volatility: "immutable" } }`,
    "{ f: { strict: true } }",
    "{ f: { leakproof: true } }",
    `{ f: { parallel: "safe" } }`,
    `{ f: { parallel: "restricted" } }`,
    "{ f: { cost: 5 } }",
    "{ f: { securityDefiner: true } }",
    `{ f: { searchPath: ["public", "pg_temp"] } }`,
    `{ f: { searchPath: ["My Schema", "public"] } }`,
    `{ f: { set: { work_mem: "1MB", statement_timeout: "5s" } } }`,
    `{ f: { comment: "Greets" } }`,
    `{ f: { body: "select 'hi ' || who" } }`,
    // Taking a default away is not something PostgreSQL does in place: the way back rebuilds.
    [`{ arg: { default: "'world'" } }`, /^(alter|drop|create)_object Greet$/],
    "{ s: { rows: 7 } }",
    "{ p: { securityDefiner: true } }",
    `{ p: { set: { work_mem: "1MB" } } }`,
    `{ p: { comment: "does" } }`,
    `{ p: { body: "begin perform n + 1; end" } }`,
  ]);
  assert.deepEqual(failures, []);
}, ["postgres"]);

// README (Functions, procedures and triggers): triggers take `timing`, `events`, `forEach`, `when`, `function`,
// `args`, `enabled: "origin" | "disabled" | "replica" | "always"` and `comment`; "A trigger changes with
// `CREATE OR REPLACE TRIGGER` (PostgreSQL 14+) and `ALTER TABLE ... ENABLE/DISABLE TRIGGER`". Each set, then taken
// away, in place.
backendTest("every trigger attribute is set and taken away, in place", async (target) => {
  const triggers = (options: string) =>
    `import { column, defineFunction, defineTable, defineTrigger } from "kyrage";
const t = defineTable('"Stock"', { id: column("int", { primaryKey: true }), qty: column("int"), "select": column("text") });
const f = defineFunction("note it", { returns: "trigger", language: "plpgsql", body: "begin return new; end" });
const g = defineFunction("note it too", { returns: "trigger", language: "plpgsql", body: "begin return null; end" });
const o = ${options};
export default {
  tables: [t],
  functions: [f, g],
  triggers: [defineTrigger('"on stock"', { table: t, timing: "before", events: ["update"], forEach: "row", function: f, ...o })],
};
`;
  const failures = await walk(target, triggers, "{}", [
    `{ when: "new.qty > 0" }`,
    `{ when: "old.* is distinct from new.*" }`,
    `{ args: ["a", "b c", "it's"] }`,
    `{ enabled: "disabled" }`,
    `{ enabled: "replica" }`,
    `{ enabled: "always" }`,
    `{ comment: "on stock" }`,
    `{ events: ["insert", "update"] }`,
    `{ events: [{ update: ["qty", "select"] }] }`,
    `{ events: ["delete"] }`,
    `{ timing: "after", function: g }`,
    `{ forEach: "statement", function: g }`,
  ]);
  assert.deepEqual(failures, []);
}, ["postgres"]);

// README (Row-level security, policies and domains): "Roles and expressions change with `ALTER POLICY`; a new command
// or kind drops and creates the policy again"; domains' "default, NOT NULL and checks change with `ALTER DOMAIN`";
// (Extensions and sequences): sequences "take `as`, `start`, `increment`, `minValue`, `maxValue`, `cache`, `cycle`,
// `ownedBy` and `comment`; [...] changed with `ALTER SEQUENCE`". Each set, then taken away.
backendTest("every policy, domain and sequence attribute is set and taken away, in place", async (target) => {
  const role = `Walk Reader ${Deno.pid}`;
  await query(target, `create role "${role}"`);
  try {
    const objects = (options: string) =>
      `import { column, defineDomain, definePolicy, defineSequence, defineTable } from "kyrage";
const o = ${options};
const t = defineTable("notes", { id: column("int", { primaryKey: true }), owner: column("text") }, undefined,
  { rowLevelSecurity: true });
export default {
  tables: [t],
  policies: [definePolicy("own", { table: t, command: "update", using: "owner = current_user", ...o.p })],
  domains: [defineDomain("email", { type: "text", ...o.d })],
  sequences: [defineSequence("numbers", { ...o.s })],
};
`;
    const failures = await walk(target, objects, "{}", [
      `{ p: { to: [${JSON.stringify(role)}] } }`,
      `{ p: { to: [${JSON.stringify(role)}, "public"] } }`,
      `{ p: { using: "owner = session_user" } }`,
      // PostgreSQL cannot take an expression away with ALTER POLICY: the way back rebuilds.
      [`{ p: { withCheck: "owner is not null" } }`, /^(alter|drop|create)_object own$/],
      `{ p: { comment: "own rows" } }`,
      [`{ p: { command: "all" } }`, /^(drop|create)_object own$/],
      [`{ p: { as: "restrictive" } }`, /^(drop|create)_object own$/],
      `{ d: { default: "'a@b'" } }`,
      "{ d: { notNull: true } }",
      `{ d: { checks: [{ expression: "VALUE like '%@%'" }] } }`,
      `{ d: { checks: [{ name: "has at", expression: "VALUE like '%@%'" }] } }`,
      `{ d: { comment: "mail" } }`,
      [`{ d: { collation: "C" } }`, /^(drop|create)_object email$/],
      `{ s: { as: "integer" } }`,
      "{ s: { start: 1000 } }",
      "{ s: { increment: 5 } }",
      "{ s: { minValue: -5 } }",
      "{ s: { maxValue: 5000 } }",
      "{ s: { cache: 20 } }",
      "{ s: { cycle: true } }",
      `{ s: { ownedBy: "notes.id" } }`,
      `{ s: { comment: "numbers" } }`,
    ]);
    assert.deepEqual(failures, []);
  } finally {
    await query(target, `drop owned by "${role}"`);
    await query(target, `drop role "${role}"`);
  }
}, ["postgres"]);

// README (Extensions and sequences): sequences "take `as`, `start`, `increment`, `minValue`, `maxValue`, `cache`,
// `cycle` [...] and [are] changed with `ALTER SEQUENCE`". Made descending (`increment: -1`, PostgreSQL's defaults for
// the rest), the plan is `ALTER SEQUENCE ... INCREMENT BY -1 START WITH -1` without the descending MINVALUE/MAXVALUE,
// which PostgreSQL refuses: "START value (-1) cannot be less than MINVALUE (1)". It must apply, or be refused
// by `generate`, naming the sequence.
backendTest("a sequence made descending converges", async (target) => {
  const schema = (options: string) =>
    `import { defineSequence } from "kyrage";
export default { tables: [], sequences: [defineSequence("countdown", ${options})] };
`;
  const dir = await project(target, schema("{}"));
  await converge(dir, "ascending");
  await writeSchema(dir, schema("{ increment: -1 }"));
  const generated = await cli(dir, "generate");
  if (generated.code !== 0) {
    // Refusing is fine, when it names the sequence.
    assert.match(generated.output, /countdown/);
    return;
  }
  const applied = await cli(dir, "apply");
  assert.equal(applied.code, 0, `generate wrote a migration that cannot apply:\n${applied.output}`);
  const replanned = await cli(dir, "plan", "--exit-code");
  assert.equal(replanned.code, 0, replanned.output);
}, ["postgres"]);

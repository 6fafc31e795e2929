/**
 * Hostile checks of README "Config reference" claims about views, functions,
 * triggers, policies, domains, extensions and sequences, each through the
 * real CLI (`generate`, `apply`, `plan --exit-code`, `pull`) on the
 * PostgreSQL server and on PGlite. Every test quotes the claim it holds the
 * code to.
 *
 * This file: extensions and sequences, `pull` of everything written by hand, hostile names and
 * refusals before anything is written.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { databaseBlock, tempProject } from "../support/cli.ts";
import { cli, converge, project, query, writeSchema } from "../support/claims.ts";

// README (Extensions and sequences): "dropping an extension something still uses (a column of its type, an index on
// its operator class) is refused, naming what uses it: kyrage never drops with `CASCADE`." The index case.
backendTest("dropping an extension whose operator class an index uses is refused, naming the index", async (target) => {
  const schema = (extensions: string) =>
    `import { column, defineExtension, defineTable } from "kyrage";
const docs = defineTable("docs", { id: column("int", { primaryKey: true }), title: column("text") },
  (t) => [t.index([{ column: "title", opclass: "gin_trgm_ops" }], { using: "gin", name: "docs_title_trgm" })]);
export default { tables: [docs], extensions: [${extensions}] };
`;
  const dir = await project(target, schema('defineExtension("pg_trgm")'));
  await converge(dir, "initial");
  await writeSchema(dir, schema(""));
  const refused = await cli(dir, "generate", "--allow-destructive");
  assert.equal(refused.code, 1, refused.output);
  assert.match(refused.output, /pg_trgm/);
  assert.match(refused.output, /docs_title_trgm/);
});

// README (Extensions and sequences), the example: `defineSequence("invoice_number", { start: 1000, as: "integer",
// ownedBy: "invoices.id" })`, the sequence "created before the tables whose defaults call them". With invoices.id's
// default calling it, as an invoice number's column does.
backendTest("the README's invoice_number sequence, owned by the column whose default calls it", async (target) => {
  const dir = await project(
    target,
    `import { column, defineSequence, defineTable } from "kyrage";
const invoices = defineTable("invoices", { id: column("integer", { primaryKey: true, defaultSql: "nextval('invoice_number')" }) });
export default {
  tables: [invoices],
  sequences: [defineSequence("invoice_number", { start: 1000, as: "integer", ownedBy: "invoices.id" })],
};
`,
  );
  await converge(dir, "initial");
  await query(target, "insert into invoices default values");
  assert.deepEqual(await query(target, "select id from invoices"), [{ id: 1000 }]);
  const status = await cli(dir, "status");
  assert.doesNotMatch(status.output, /NOT MANAGED/, status.output);
});

// Written by hand, psql-style: every attribute the README lists for these kinds, with hostile names.
const BY_HAND = [
  `create table "Order" ("Id" int primary key, "user" text not null, total numeric(10,2), updated_at timestamptz)`,
  `create view "Big Orders" with (security_barrier = true) as select "Id", total from "Order" where total > 100
     with local check option`,
  `comment on view "Big Orders" is 'big'`,
  `create view "v2 invoker" with (security_invoker = true) as select * from "Big Orders" with cascaded check option`,
  `create materialized view "Order Totals" as select "user", sum(total) as s from "Order" group by "user" with no data`,
  `create unique index "ot user" on "Order Totals" ("user")`,
  `create function "Touch"() returns trigger language plpgsql as $$begin new.updated_at := now(); return new; end$$`,
  `create function "add"(a int, b int default 1) returns int language sql immutable strict leakproof parallel safe
     cost 5 return a + b`,
  `create function sec() returns text language sql stable security definer set search_path = public, pg_temp
     set work_mem = '2MB' as $$select current_user::text$$`,
  `create function srf(n int) returns setof int language sql rows 7 as $$select generate_series(1, n)$$`,
  `comment on function srf(int) is 'series'`,
  `create procedure "Do It"(inout x int) language plpgsql as $$begin x := x + 1; end$$`,
  `create trigger "when trig" before update of "user", total on "Order" for each row
     when (old.total is distinct from new.total) execute function "Touch"('a', 'b c')`,
  `alter table "Order" disable trigger "when trig"`,
  `comment on trigger "when trig" on "Order" is 'trig'`,
  `alter table "Order" enable row level security`,
  `create policy "own rows" on "Order" as restrictive for update to public using ("user" = current_user)
     with check (total >= 0)`,
  `comment on policy "own rows" on "Order" is 'mine'`,
  `create domain "posint" as int default 1 not null constraint pos check (value > 0)`,
  `create table uses (id int primary key, n "posint")`,
  `create sequence "inv no" as smallint increment 2 minvalue 5 maxvalue 500 start 10 cache 3 cycle owned by "Order"."Id"`,
  `comment on sequence "inv no" is 'numbers'`,
];

// README (Adopting an existing database): "`kyrage pull` introspects a live database [...] and writes `schema.ts`
// [...] in the same DSL a person would write", "`plan` of the pulled schema against D is empty", and `--baseline`:
// "`plan` is empty, `check` replays the baseline on the dev database". Views with options, a materialized view WITH
// NO DATA and its index, functions with every attribute, a procedure, a disabled trigger with WHEN and arguments, a
// restrictive policy, a domain and a standalone sequence, all made by hand.
backendTest(
  "pull round-trips views, routines, triggers, policies, domains and sequences made by hand",
  async (target) => {
    for (const statement of BY_HAND) await query(target, statement);
    const dir = await tempProject({
      "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { domains, enums, functions, policies, schemas, sequences, tables, triggers, views } from "./schema.ts";
export default defineConfig({
  database: ${databaseBlock(target)},
  domains, enums, functions, policies, schemas, sequences, tables, triggers, views,
});
`,
    });
    const pulled = await cli(dir, "pull", "--baseline");
    assert.equal(pulled.code, 0, pulled.output);
    const source = await Deno.readTextFile(`${dir}/schema.ts`);
    assert.doesNotMatch(pulled.output, /NOT MANAGED|not managed/i, `${pulled.output}\n${source}`);
    const planned = await cli(dir, "plan", "--exit-code");
    assert.equal(planned.code, 0, `${planned.output}\n${source}`);
    const checked = await cli(dir, "check");
    assert.equal(checked.code, 0, `${checked.output}\n${source}`);
    const status = await cli(dir, "status", "--exit-code");
    assert.equal(status.code, 0, `${status.output}\n${source}`);
  },
);

// README (Row-level security, policies and domains): "roles are referenced, never created". A role that does not
// exist is a planning error naming the role and the policy, before anything is written.
backendTest("a policy to a role that does not exist is refused, naming the role and the policy", async (target) => {
  const dir = await project(
    target,
    `import { column, definePolicy, defineTable } from "kyrage";
const notes = defineTable("notes", { id: column("int", { primaryKey: true }) }, undefined, { rowLevelSecurity: true });
export default { tables: [notes], policies: [definePolicy("read all", { table: notes, to: ["no such role"], using: "true" })] };
`,
  );
  const refused = await cli(dir, "generate");
  assert.equal(refused.code, 1, refused.output);
  assert.match(refused.output, /no such role/);
  assert.match(refused.output, /read all/);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n === "migrations"), []);
}, ["postgres"]);

// README (Safety): "hostile identifiers (quotes, spaces, dots, `$$`, unicode, reserved words, 63-byte names)" and
// (Constraints and indexes): "names over 63 bytes are rejected when the config loads". A view, function, trigger,
// policy and sequence named with 63 bytes of two-byte characters converge; 64 bytes is refused, naming it.
backendTest("63-byte unicode names of views, functions, triggers, policies and sequences", async (target) => {
  const name = (bytes: number) => "é".repeat(Math.floor(bytes / 2)) + "x".repeat(bytes % 2);
  const schema = (n: string) =>
    `import { column, defineFunction, definePolicy, defineSequence, defineTable, defineTrigger, defineView } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }) }, undefined, { rowLevelSecurity: true });
const f = defineFunction("${n}", { returns: "trigger", language: "plpgsql", body: "begin return new; end" });
export default {
  tables: [t],
  views: [defineView("${n}", "select id from t")],
  functions: [f],
  triggers: [defineTrigger("${n}", { table: t, timing: "before", events: ["insert"], forEach: "row", function: f })],
  policies: [definePolicy("${n}", { table: t, using: "true" })],
  sequences: [defineSequence("s${n.slice(1)}")],
};
`;
  const dir = await project(target, schema(name(63)));
  await converge(dir, "63 bytes");
  await writeSchema(dir, schema(name(64)));
  const refused = await cli(dir, "plan");
  assert.equal(refused.code, 1, refused.output);
  assert.match(refused.output, /63/);
}, ["postgres"]);

// README (Extensions and sequences): sequences are "changed with `ALTER SEQUENCE`" and (Safety): "No migration that
// can only fail: `generate` refuses (and `plan` marks `WILL FAIL`), naming the object and what to do". A sequence
// narrowed to `smallint` while its current value is past smallint's range can only fail.
backendTest("a sequence narrowed below its current value is refused before apply", async (target) => {
  const schema = (as: string) =>
    `import { defineSequence } from "kyrage";
export default { tables: [], sequences: [defineSequence("counter", { as: "${as}" })] };
`;
  const dir = await project(target, schema("bigint"));
  await converge(dir, "initial");
  await query(target, "select setval('counter', 40000)");
  await writeSchema(dir, schema("smallint"));
  const generated = await cli(dir, "generate");
  if (generated.code === 0) {
    const applied = await cli(dir, "apply");
    assert.fail(`generate wrote a migration that apply runs into:\n${applied.output}`);
  }
  assert.match(generated.output, /counter/);
}, ["postgres"]);

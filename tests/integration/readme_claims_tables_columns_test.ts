/**
 * Hostile checks of README "Tables and columns", "Enums, composite and range
 * types", "Partitions", "Constraints and indexes" and "Comments, schemas,
 * renames", each through the real CLI (`generate`, `apply`, `plan
 * --exit-code`) on the PostgreSQL server and on PGlite, with rows in the
 * tables. Every test quotes the claim it holds the code to.
 *
 * This file: columns (identity, defaults, type spellings, generated columns).
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { cli, converge, project, query, writeSchema } from "../support/claims.ts";
import { refusedOrApplied } from "../support/refused_or_applied.ts";

// README (Tables and columns), lines 299-300: "`identity: "always" | "by default"`, or `{ generated, start?,
// increment?, minValue?, maxValue?, cache?, cycle? }`: changing the sequence options is `ALTER COLUMN ... SET ...`,
// never a rebuild". Giving an existing identity a `minValue` above its sequence's start is planned as
// `SET MINVALUE 100, SET START WITH 100` in two subcommands: PostgreSQL checks the first against the old start
// (and the sequence's current value) and the migration fails: "START value (1) cannot be less than MINVALUE (100)".
backendTest(
  "an identity given a minValue above its start applies (or is refused, not written to fail)",
  async (target) => {
    const schema = (identity: string) =>
      `import { column, defineTable } from "kyrage";
const tickets = defineTable("tickets", { id: column("bigint", { primaryKey: true, identity: ${identity} }), title: column("text") });
export default { tables: [tickets] };
`;
    const dir = await project(target, schema(`"always"`));
    await converge(dir, "initial");
    await query(target, "insert into tickets (title) values ('a'), ('b')");
    await writeSchema(dir, schema(`{ generated: "always", minValue: 100, start: 100 }`));
    const planned = await cli(dir, "plan");
    assert.match(planned.stdout, /SET MINVALUE 100/, planned.output);
    if (!await refusedOrApplied(dir, "minValue 100", /tickets\.id/)) return;
    const inserted = await query<{ id: string }>(target, "insert into tickets (title) values ('c') returning id::text");
    assert.ok(Number(inserted[0].id) >= 100, `the next id honours minValue 100: ${inserted[0].id}`);
  },
);

// README (Tables and columns), lines 299-300: "changing the sequence options is `ALTER COLUMN ... SET ...`, never a
// rebuild". Turning an ascending identity descending (`increment: -1`) plans `SET INCREMENT BY -1, SET START WITH
// -1` and leaves MINVALUE 1 / MAXVALUE 2147483647 of the ascending sequence: PostgreSQL rejects it ("START value (-1)
// cannot be less than MINVALUE (1)"), on an empty table as on a populated one. `plan` does not mark it WILL FAIL.
backendTest("an identity made descending applies (or is refused, not written to fail)", async (target) => {
  const schema = (identity: string) =>
    `import { column, defineTable } from "kyrage";
const countdown = defineTable("countdown", { id: column("int", { primaryKey: true, identity: ${identity} }), label: column("text") });
export default { tables: [countdown] };
`;
  const dir = await project(target, schema(`"by default"`));
  await converge(dir, "initial");
  await writeSchema(dir, schema(`{ generated: "by default", increment: -1 }`));
  const planned = await cli(dir, "plan");
  assert.match(planned.stdout, /SET INCREMENT BY -1/, planned.output);
  await refusedOrApplied(dir, "increment -1", /countdown\.id/);
});

// README (Tables and columns), lines 297-298: "`defaultSql` is SQL text (`"now()"`, `"'draft'"`, `"0"`); compared in
// normal form, so `CURRENT_TIMESTAMP` equals `now()` and `'x'::text` equals `'x'`." Literal defaults are compared as
// typed, not in PostgreSQL's form, and PostgreSQL stores many of them reformatted: every plan after apply repeats
// `SET DEFAULT` for each (a `-1` on a bigint is stored `'-1'::integer`, `'t'` on a boolean `true`, ...).
backendTest("literal defaults re-plan empty once applied", async (target) => {
  const dir = await project(
    target,
    `import { column, defineTable } from "kyrage";
const settings = defineTable("settings", {
  id: column("int", { primaryKey: true }),
  big_negative: column("bigint", { defaultSql: "-1" }),
  small_negative: column("smallint", { defaultSql: "-5" }),
  flag: column("boolean", { defaultSql: "'t'" }),
  code: column("char(3)", { defaultSql: "'ab'" }),
  wait: column("interval", { defaultSql: "'1 hour 30 minutes'" }),
  tags: column("text[]", { defaultSql: "'{a, b}'" }),
  doc: column("jsonb", { defaultSql: \`'{"a":1}'\` }),
  token: column("uuid", { defaultSql: "'00000000-0000-0000-0000-00000000000A'" }),
  day: column("date", { defaultSql: "'2024-1-5'" }),
});
export default { tables: [settings] };
`,
  );
  const generated = await cli(dir, "generate");
  assert.equal(generated.code, 0, generated.output);
  const applied = await cli(dir, "apply");
  assert.equal(applied.code, 0, applied.output);
  await query(target, "insert into settings (id) values (1)");
  const replanned = await cli(dir, "plan", "--exit-code");
  assert.equal(replanned.code, 0, `the defaults are applied; nothing is left to change:\n${replanned.stdout}`);
});

// README (Tables and columns), lines 291-295: "`type`: any PostgreSQL type as you would write it — ...
// `numeric(10,2)`/`decimal` ... Aliases normalize to PostgreSQL's own spelling on both sides of the diff, so `int`
// never differs from `integer`." `numeric(12)` (and `decimal(12)`) is `numeric(12,0)` in the catalog, `bit` is
// `bit(1)`, `pg_catalog.int4` is `integer`: each re-plans an ALTER COLUMN TYPE forever, most of them marked
// DESTRUCTIVE, so `generate` refuses the next unrelated change without --allow-destructive.
backendTest("type spellings PostgreSQL accepts re-plan empty once applied", async (target) => {
  const dir = await project(
    target,
    `import { column, defineTable } from "kyrage";
const amounts = defineTable("amounts", {
  id: column("int", { primaryKey: true }),
  whole: column("numeric(12)"),
  cents: column("decimal(12)"),
  wholes: column("numeric(12)[]"),
  flag: column("bit"),
  qualified: column("pg_catalog.int4"),
});
export default { tables: [amounts] };
`,
  );
  const generated = await cli(dir, "generate");
  assert.equal(generated.code, 0, generated.output);
  const applied = await cli(dir, "apply");
  assert.equal(applied.code, 0, applied.output);
  const replanned = await cli(dir, "plan", "--exit-code");
  assert.equal(replanned.code, 0, `the columns have the declared types:\n${replanned.stdout}`);
});

// README (Tables and columns), lines 302-304: "`generatedAs: "price * qty"` makes a stored generated column. ...
// changing the expression rebuilds the column (with the indexes and constraints on it), its values computed afresh"
// and (Safety) "**No migration that can only fail**". Widening a column that a generated column reads (`int` →
// `bigint`) is planned as a bare ALTER COLUMN TYPE, unmarked; PostgreSQL refuses it ("cannot alter type of a column
// used by a generated column"), so the migration can only fail.
backendTest("a column read by a generated column is retyped (or refused), not written to fail", async (target) => {
  const schema = (type: string) =>
    `import { column, defineTable } from "kyrage";
const lines = defineTable("lines", {
  id: column("int", { primaryKey: true }),
  qty: column("${type}"),
  twice: column("${type}", { generatedAs: "qty * 2" }),
});
export default { tables: [lines] };
`;
  const dir = await project(target, schema("int"));
  await converge(dir, "initial");
  await query(target, "insert into lines (id, qty) values (1, 5)");
  await writeSchema(dir, schema("bigint"));
  if (!await refusedOrApplied(dir, "qty int → bigint", /lines\.qty/)) return;
  assert.deepEqual(await query(target, "select id, qty::int, twice::int from lines"), [{ id: 1, qty: 5, twice: 10 }]);
});

// README (Tables and columns), lines 296 and 300-301: "primary key, `serial` and identity columns are NOT NULL" and
// "making a populated column an identity sets the sequence past its values". A populated nullable column (no NULLs
// left) made an identity is planned online as `ADD GENERATED ... AS IDENTITY` first and the NOT NULL (through a
// validated check) after it, in later migrations: PostgreSQL refuses the first ("column "n" of relation "t" must be
// declared NOT NULL before identity can be added").
backendTest("a populated nullable column made an identity applies", async (target) => {
  const schema = (options: string) =>
    `import { column, defineTable } from "kyrage";
const tickets = defineTable("tickets", { id: column("int", { primaryKey: true }), number: column("int"${options}) });
export default { tables: [tickets] };
`;
  const dir = await project(target, schema(""));
  await converge(dir, "initial");
  await query(target, "insert into tickets values (1, 5), (2, 9)");
  await writeSchema(dir, schema(`, { identity: "by default" }`));
  await converge(dir, "identity");
  const next = await query<{ number: number }>(target, "insert into tickets (id) values (3) returning number");
  assert.ok(next[0].number > 9, `the sequence is past the column's values: ${next[0].number}`);
});

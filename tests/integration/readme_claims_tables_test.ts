/**
 * Hostile checks of README "Tables and columns", "Enums, composite and range
 * types", "Partitions", "Constraints and indexes" and "Comments, schemas,
 * renames", each through the real CLI (`generate`, `apply`, `plan
 * --exit-code`) on the PostgreSQL server and on PGlite, with rows in the
 * tables. Every test quotes the claim it holds the code to.
 */
import assert from "node:assert/strict";
import { BACKENDS, backendTest } from "../support/backends.ts";
import { cli, converge, project, query, writeSchema } from "../support/claims.ts";

/**
 * A change kyrage accepts must apply: `generate` either refuses it (naming
 * `refusal`), or writes a migration that `apply` runs and that leaves the
 * plan empty. A written migration that can only fail is the defect.
 */
async function refusedOrApplied(dir: string, label: string, refusal: RegExp, ...flags: string[]): Promise<boolean> {
  const generated = await cli(dir, "generate", ...flags);
  if (generated.code !== 0) {
    assert.match(generated.output, refusal, `${label}: generate refused without naming it:\n${generated.output}`);
    return false;
  }
  const applied = await cli(dir, "apply");
  assert.equal(
    applied.code,
    0,
    `${label}: generate wrote a migration (plan not marked WILL FAIL) that apply cannot run:\n` +
      `${generated.output}\n${applied.output}`,
  );
  const replanned = await cli(dir, "plan", "--exit-code");
  assert.equal(replanned.code, 0, `${label}: re-plan not empty:\n${replanned.output}`);
  return true;
}

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

// README (Partitions), lines 355-358: "Range, list (`{ in: [...] }`) and hash (`{ modulus, remainder }`)
// partitioning ... `definePartition("events_rest", events, "DEFAULT")`" and (Safety, "No migration that can only
// fail"): "`generate` refuses (and `plan` marks `WILL FAIL`), naming the object and what to do". A new range
// partition whose range holds rows already stored in the DEFAULT partition is planned as a plain CREATE TABLE ...
// PARTITION OF, unmarked: `apply` fails ("updated partition constraint for default partition "events_rest" would be
// violated by some row"). kyrage neither moved the rows nor refused; it now counts them and refuses, and `plan` says how
// many rows the DEFAULT partition holds.
backendTest(
  "a new partition over rows held by the DEFAULT partition is not written to fail",
  async (target) => {
    const schema = (with2025: boolean) =>
      `import { column, definePartition, defineTable } from "kyrage";
const events = defineTable("events", { id: column("bigint"), at: column("date", { notNull: true }) },
  (t) => [t.primaryKey(["id", "at"])], { partitionBy: { strategy: "range", keys: ["at"] } });
const y2024 = definePartition("events_2024", events, { from: ["2024-01-01"], to: ["2025-01-01"] });
const rest = definePartition("events_rest", events, "DEFAULT");
${with2025 ? `const y2025 = definePartition("events_2025", events, { from: ["2025-01-01"], to: ["2026-01-01"] });` : ""}
export default { tables: [events, y2024, rest${with2025 ? ", y2025" : ""}] };
`;
    const dir = await project(target, schema(false));
    await converge(dir, "initial");
    await query(target, "insert into events values (1, '2024-03-01'), (2, '2025-03-01')");
    await writeSchema(dir, schema(true));
    if (!await refusedOrApplied(dir, "events_2025", /events_rest/)) {
      const planned = await cli(dir, "plan");
      assert.match(
        planned.stdout,
        /^-- WILL FAIL: public\.events_2025 .* DEFAULT partition public\.events_rest holds 1 row that belongs in it/m,
        planned.output,
      );
      return;
    }
    const rows = await query<{ id: string; part: string }>(
      target,
      "select id::text as id, tableoid::regclass::text as part from events order by id",
    );
    assert.deepEqual(rows, [{ id: "1", part: "events_2024" }, { id: "2", part: "events_2025" }]);
  },
  BACKENDS,
);

// README (Comments, schemas, renames), lines 553-554: "Renames: ... `defineTable(name, cols, cb, { renamedFrom: "old"
// })` rename instead of dropping; harmless once applied." and (Safety): "`plan` and `status` list what the owned
// schemas hold that kyrage does not manage (`NOT MANAGED (left as they are): ...`)". After a table rename the
// sequences of its serial and identity columns keep the old table's name, and every later `plan` lists kyrage's own
// column sequences as "NOT MANAGED (left as they are)".
backendTest(
  "a renamed table's serial and identity sequences are not reported unmanaged",
  async (target) => {
    const schema = (name: string, hint: string) =>
      `import { column, defineTable } from "kyrage";
const orders = defineTable("${name}", {
  id: column("serial", { primaryKey: true }),
  number: column("bigint", { identity: "by default" }),
  email: column("text"),
}, undefined, { ${hint} });
export default { tables: [orders] };
`;
    const dir = await project(target, schema("orders", ""));
    await converge(dir, "initial");
    await query(target, "insert into orders (email) values ('a'), ('b')");
    await writeSchema(dir, schema("purchases", `renamedFrom: "orders"`));
    const planned = await cli(dir, "plan");
    assert.match(planned.stdout, /RENAME TO "purchases"/, planned.output);
    await converge(dir, "rename");
    assert.deepEqual(await query(target, "select id, email from purchases order by id"), [
      { id: 1, email: "a" },
      { id: 2, email: "b" },
    ]);
    const sequences = await query<{ relname: string }>(
      target,
      "select relname from pg_class where relkind = 'S' and relnamespace = 'public'::regnamespace order by 1",
    );
    assert.deepEqual(sequences.map((s) => s.relname), ["purchases_id_seq", "purchases_number_seq"]);
    const replanned = await cli(dir, "plan", "--exit-code");
    assert.doesNotMatch(
      replanned.output,
      /NOT MANAGED/,
      `the renamed table's own column sequences are managed:\n${replanned.output}`,
    );
  },
  BACKENDS,
);

// README (Constraints and indexes), lines 530-531: "Default names follow PostgreSQL's own conventions, truncated at 63
// bytes exactly as PostgreSQL truncates them, so a database built by hand or by another tool shows no spurious
// renames". PostgreSQL names an index on `lower(email)` `<table>_lower_idx` (the function's name); kyrage's default
// is `<table>_expr_idx` (the README's table says "an expression is `expr`"), so the hand-built index is renamed.
backendTest(
  "an expression index built by hand with PostgreSQL's default name is renamed, not rebuilt, unless named",
  async (target) => {
    const dir = await project(
      target,
      `import { column, defineTable } from "kyrage";
const users = defineTable("users", { id: column("int", { primaryKey: true }), email: column("text") },
  (t) => [t.index([{ expression: "lower(email)" }])]);
export default { tables: [users] };
`,
    );
    await query(target, "create table users (id int primary key, email text); create index on users (lower(email))");
    const names = await query<{ relname: string }>(
      target,
      "select relname from pg_class where relkind = 'i' and relname like 'users%' order by 1",
    );
    assert.deepEqual(names.map((n) => n.relname), ["users_lower_idx", "users_pkey"]);
    // README: "such an index is planned as a rename (`ALTER INDEX ... RENAME`, nothing rebuilt) unless its `name` is given".
    const planned = await cli(dir, "plan", "--exit-code");
    assert.equal(planned.code, 2, planned.output);
    assert.match(planned.stdout, /ALTER INDEX "public"\."users_lower_idx" RENAME TO "users_expr_idx"/, planned.stdout);
    assert.doesNotMatch(planned.stdout, /DROP INDEX|CREATE INDEX/, planned.stdout);
    await writeSchema(
      dir,
      `import { column, defineTable } from "kyrage";
const users = defineTable("users", { id: column("int", { primaryKey: true }), email: column("text") },
  (t) => [t.index([{ expression: "lower(email)" }], { name: "users_lower_idx" })]);
export default { tables: [users] };
`,
    );
    const named = await cli(dir, "plan", "--exit-code");
    assert.equal(named.code, 0, `with its name given, nothing to do:\n${named.stdout}`);
  },
);

// README (Safety): "**No "No changes" about what was not compared**: `plan` and `status` list what the owned schemas
// hold that kyrage does not manage" and (Constraints and indexes), lines 502-503: "`t.primaryKey(columns, { name,
// deferrable })`; `t.unique(columns, { name, nullsNotDistinct, deferrable })`". A unique constraint and a primary key
// given `INCLUDE (...)` by hand are other constraints (wider indexes), yet `plan --exit-code` says "No changes" and
// `status` "Schema: matches", naming nothing.
backendTest(
  'a unique constraint and a primary key given INCLUDE columns by hand are not "No changes"',
  async (target) => {
    const dir = await project(
      target,
      `import { column, defineTable } from "kyrage";
const accounts = defineTable("accounts", { id: column("int", { primaryKey: true }), a: column("int"), b: column("int") },
  (t) => [t.unique(["a"], { name: "accounts_a_key" })]);
export default { tables: [accounts] };
`,
    );
    await converge(dir, "initial");
    await query(
      target,
      "alter table accounts drop constraint accounts_a_key, add constraint accounts_a_key unique (a) include (b); " +
        "alter table accounts drop constraint accounts_pkey, add constraint accounts_pkey primary key (id) include (a)",
    );
    const planned = await cli(dir, "plan", "--exit-code");
    assert.ok(
      planned.code === 2 || /NOT MANAGED[^\n]*accounts/.test(planned.output),
      `INCLUDE on accounts_a_key and accounts_pkey is neither planned away nor named:\n${planned.output}`,
    );
    const status = await cli(dir, "status", "--exit-code");
    assert.ok(
      status.code === 2 || /NOT MANAGED[^\n]*accounts/.test(status.output),
      `status names neither:\n${status.output}`,
    );
  },
);

// README (Safety): "**No migration that can only fail**: `generate` refuses (and `plan` marks `WILL FAIL`), naming
// the object and what to do: a column made NOT NULL while it holds NULLs (with how many)" with (Tables and columns),
// line 285: "`column(type, { ... notNull?, defaultSql? ... })`". A new `notNull` column without a default, added to a
// table that has rows, holds NULL in every one of them: `plan` only says "may fail on existing rows", `generate`
// writes it, and `apply` fails ("column "x" of relation "t" contains null values").
backendTest(
  "a new NOT NULL column without a default on a populated table is refused, not written to fail",
  async (target) => {
    const schema = (extra: string) =>
      `import { column, defineTable } from "kyrage";
const notes = defineTable("notes", { id: column("int", { primaryKey: true })${extra} });
export default { tables: [notes] };
`;
    const dir = await project(target, schema(""));
    await converge(dir, "initial");
    await query(target, "insert into notes values (1), (2)");
    await writeSchema(dir, schema(`, body: column("text", { notNull: true })`));
    await refusedOrApplied(dir, "notes.body", /notes\.body/);
  },
);

// README (Comments, schemas, renames), lines 553-554: "Renames: `column(..., { renamedFrom: "old" })` and
// `defineTable(name, cols, cb, { renamedFrom: "old" })` rename instead of dropping". A table moved to another schema
// with `renamedFrom` naming where it was (`"public.orders"`) is silently not renamed: the plan drops the populated
// table and creates an empty one (gated as destructive, but the hint is ignored without a word).
backendTest("renamedFrom naming a table in another schema moves it, or says it cannot", async (target) => {
  const schema = (name: string, hint: string) =>
    `import { column, defineTable } from "kyrage";
const orders = defineTable("${name}", { id: column("int", { primaryKey: true }), email: column("text") }, undefined, { ${hint} });
export default { tables: [orders] };
`;
  const dir = await project(target, schema("orders", ""));
  await converge(dir, "initial");
  await query(target, "insert into orders values (1, 'a')");
  await writeSchema(dir, schema("archive.orders", `renamedFrom: "public.orders"`));
  const planned = await cli(dir, "plan");
  if (planned.code !== 0) {
    assert.match(planned.output, /renamedFrom|public\.orders/, `an error names the hint:\n${planned.output}`);
    return;
  }
  assert.doesNotMatch(planned.stdout, /DROP TABLE/, `renamedFrom must not turn into a drop:\n${planned.stdout}`);
});

// README (Constraints and indexes), lines 505 and 518: "`t.reference(columns, table, refColumns, { onDelete, onUpdate,
// name, deferrable, match, notValid })` ... `deferrable: "deferred" | "immediate"`" with (Online DDL) "a populated
// table in use stays readable and writable". Making a foreign key deferrable is `ALTER CONSTRAINT ... DEFERRABLE` in
// PostgreSQL (no scan); kyrage drops the foreign key, adds it NOT VALID and validates it again: a needless rebuild
// with a window in which the child is unchecked.
backendTest(
  "a foreign key made deferrable is altered in place, not rebuilt",
  async (target) => {
    const schema = (options: string) =>
      `import { column, defineTable } from "kyrage";
const parent = defineTable("parent", { id: column("int", { primaryKey: true }) });
const child = defineTable("child", { id: column("int", { primaryKey: true }), parent_id: column("int") },
  (t) => [t.reference("parent_id", "parent", "id", { name: "child_parent_fkey"${options} })]);
export default { tables: [parent, child] };
`;
    const dir = await project(target, schema(""));
    await converge(dir, "initial");
    await query(target, "insert into parent values (1); insert into child values (1, 1)");
    const oid = "select oid::int from pg_constraint where conname = 'child_parent_fkey'";
    const before = await query<{ oid: number }>(target, oid);
    await writeSchema(dir, schema(`, deferrable: "deferred"`));
    const planned = await cli(dir, "plan");
    assert.equal(planned.code, 0, planned.output);
    assert.doesNotMatch(planned.stdout, /DROP CONSTRAINT/, `no rebuild of child_parent_fkey:\n${planned.stdout}`);
    await converge(dir, "deferrable");
    assert.deepEqual(await query(target, oid), before, "the same constraint, altered");
  },
  BACKENDS,
);

// README (Tables and columns), lines 285 and 306: "`column(type, { primaryKey?, unique?, notNull?, defaultSql?,
// identity?, generatedAs?, ... })`", "Table options: ... `unlogged: true`" with (Safety): "**No migration that can
// only fail**". Options PostgreSQL never accepts together pass the config check and the plan, and `generate` writes
// the migration: `identity` with `defaultSql` ("both default and identity specified"), `generatedAs` with
// `defaultSql` ("both default and generation expression specified"), and a logged table referencing an `unlogged`
// one ("constraints on permanent tables may reference only permanent tables").
backendTest(
  "column and table options PostgreSQL never accepts together are refused before a migration is written",
  async (target) => {
    const configs: Record<string, string> = {
      "identity with defaultSql": `const t = defineTable("t", {
  id: column("int", { primaryKey: true, identity: "always", defaultSql: "1" }),
});
export default { tables: [t] };`,
      "generatedAs with defaultSql": `const t = defineTable("t", {
  id: column("int", { primaryKey: true }),
  twice: column("int", { generatedAs: "id * 2", defaultSql: "0" }),
});
export default { tables: [t] };`,
      "a logged table referencing an unlogged one":
        `const p = defineTable("p", { id: column("int", { primaryKey: true }) }, undefined, { unlogged: true });
const c = defineTable("c", { id: column("int", { primaryKey: true }), p_id: column("int") },
  (t) => [t.reference("p_id", "p", "id")]);
export default { tables: [p, c] };`,
    };
    const failures: string[] = [];
    for (const [label, body] of Object.entries(configs)) {
      const dir = await project(target, `import { column, defineTable } from "kyrage";\n${body}\n`);
      const generated = await cli(dir, "generate");
      if (generated.code === 0) {
        const applied = await cli(dir, "apply");
        if (applied.code !== 0) failures.push(`${label}: written, then apply failed:\n${applied.output}`);
        else await query(target, "drop table if exists c, p, t; delete from kyrage_migrations");
      }
    }
    assert.deepEqual(failures, [], failures.join("\n"));
  },
);

// README (Constraints and indexes), lines 504-515: "`t.index(keys, { unique, name, using, where, include,
// nullsNotDistinct, with, concurrently })` ... `using` is any access method: `btree` (default), `hash`, `gin`,
// `gist`, `brin`, ...", "`t.check("price > 0", { name, noInherit, notValid })`", (Tables and columns) "`storage:
// "plain" | "external" | "extended" | "main"`", "`replicaIdentity: ... { index: "name" }`", with (Safety) "**No migration that can only fail**" and "**Types
// checked first** ... so a typo never fails a migration halfway". Index and column options PostgreSQL rejects used to pass
// the config check and the plan, and `generate` wrote a migration `apply` could not run; each is now refused, naming
// the table and the option, with no migration written.
backendTest(
  "index, check and storage options PostgreSQL rejects are refused before a migration is written",
  async (target) => {
    // Each refusal names the table and the option: `expected`.
    const configs: Record<string, [string, RegExp]> = {
      "hash index with include": [
        `t.index(["a"], { using: "hash", include: ["b"] })`,
        /t_a_b_idx on table public.t has include/,
      ],
      "gin index with fillfactor": [
        `t.index(["tags"], { using: "gin", with: { fillfactor: 70 } })`,
        /storage parameter fillfactor/,
      ],
      "operator class of another type": [
        `t.index([{ column: "name", opclass: "int4_ops" }])`,
        /public\.t gives column name \(text\) operator class int4_ops, which does not accept/,
      ],
      "unique brin index": [
        `t.index(["name"], { using: "brin", unique: true })`,
        /on table public.t is unique, which access method "brin"/,
      ],
      "hash index on two columns": [`t.index(["a", "b"], { using: "hash" })`, /has 2 keys/],
      "gist index on an integer": [
        `t.index(["a"], { using: "gist" })`,
        /column a \(integer\), which has no default operator class for access method "gist"/,
      ],
      "brin pages_per_range out of bounds": [
        `t.index(["a"], { using: "brin", with: { pages_per_range: 0 } })`,
        /sets pages_per_range to "0"/,
      ],
    };
    const failures: string[] = [];
    const attempt = async (label: string, schema: string, expected: RegExp) => {
      const dir = await project(target, schema);
      const generated = await cli(dir, "generate");
      if (generated.code !== 0) {
        assert.match(generated.output, expected, `${label}:\n${generated.output}`);
        const written = await Array.fromAsync(Deno.readDir(`${dir}/migrations`)).catch(() => []);
        assert.deepEqual(written, [], `${label}: no migration written`);
        return;
      }
      const applied = await cli(dir, "apply");
      if (applied.code !== 0) failures.push(`${label}: written, then apply failed:\n${applied.output}`);
      else await query(target, "drop table if exists t; delete from kyrage_migrations");
    };
    for (const [label, [index, expected]] of Object.entries(configs)) {
      await attempt(
        label,
        `import { column, defineTable } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), a: column("int"), b: column("int"),
  name: column("text"), tags: column("text[]") }, (t) => [${index}]);
export default { tables: [t] };
`,
        expected,
      );
    }
    await attempt(
      "NO INHERIT check on a partitioned table",
      `import { column, defineTable } from "kyrage";
const t = defineTable("t", { id: column("int", { notNull: true }), at: column("date", { notNull: true }) },
  (t) => [t.check("id > 0", { noInherit: true })], { partitionBy: { strategy: "range", keys: ["at"] } });
export default { tables: [t] };
`,
      /check t_id_check on table public.t is noInherit, but table public.t is partitioned/,
    );
    await attempt(
      "replica identity on a non-unique index",
      `import { column, defineTable } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), n: column("int") },
  (t) => [t.index(["n"], { name: "t_n" })], { replicaIdentity: { index: "t_n" } });
export default { tables: [t] };
`,
      /replicaIdentity of table public.t names index "t_n", which is not unique/,
    );
    await attempt(
      "storage external on an integer",
      `import { column, defineTable } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), n: column("int", { storage: "external" }) });
export default { tables: [t] };
`,
      /columns\.n\.storage.*column n of table public.t has storage "external", but its type integer/,
    );
    assert.deepEqual(failures, [], failures.join("\n"));
  },
  BACKENDS,
);

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

// README (Enums, composite and range types), lines 334-335: "Removing or reordering labels rebuilds the type: the old
// one is renamed, the new one created, every column using it converted through `text` with its default" and
// (Partitions) "keys ... on the parent", with (Safety) "**No migration that can only fail**". When the enum's column
// is a partition key, the conversion is `ALTER COLUMN ... TYPE` on a partition key, which PostgreSQL refuses
// ("cannot alter column "kind" because it is part of the partition key"); the same for a range key widened from
// `int` to `bigint`. Neither is marked WILL FAIL nor refused by `generate --allow-destructive`.
backendTest("a partition key column's enum rebuilt or type widened is refused, not written to fail", async (target) => {
  const schema = (labels: string, dayType: string) =>
    `import { column, defineEnum, definePartition, defineTable } from "kyrage";
const kind = defineEnum("kind", [${labels}]);
const items = defineTable("items", { id: column("int", { notNull: true }), kind: column(kind, { notNull: true }) },
  (t) => [t.primaryKey(["id", "kind"])], { partitionBy: { strategy: "list", keys: ["kind"] } });
const itemsA = definePartition("items_a", items, { in: ["a"] });
const itemsB = definePartition("items_b", items, { in: ["b"] });
const days = defineTable("days", { id: column("int", { notNull: true }), day: column("${dayType}", { notNull: true }) },
  (t) => [t.primaryKey(["id", "day"])], { partitionBy: { strategy: "range", keys: ["day"] } });
const early = definePartition("days_early", days, { from: ["0"], to: ["1000"] });
export default { tables: [items, itemsA, itemsB, days, early], enums: [kind] };
`;
  const dir = await project(target, schema(`"a", "b"`, "int"));
  await converge(dir, "initial");
  await query(target, "insert into items values (1, 'a'), (2, 'b'); insert into days values (1, 5)");
  await writeSchema(dir, schema(`"b", "a"`, "bigint"));
  if (!await refusedOrApplied(dir, "partition keys", /items\.kind|days\.day/, "--allow-destructive")) return;
  assert.deepEqual(await query(target, "select id, kind::text from items order by id"), [
    { id: 1, kind: "a" },
    { id: 2, kind: "b" },
  ]);
});

// README (Enums, composite and range types), lines 334-335: "Removing or reordering labels rebuilds the type: the old
// one is renamed, the new one created, every column using it converted through `text` with its default, the old one
// dropped" and (Safety) "hostile identifiers (... 63-byte names)". The old type is renamed to `<name>__kyrage_old`,
// which PostgreSQL truncates to 63 bytes: for a 63-byte enum name that is the name itself, and the migration fails
// ("type "eee…e" already exists").
backendTest("an enum with a 63-byte name is rebuilt when its labels are reordered", async (target) => {
  const name = "e".repeat(63);
  const schema = (labels: string) =>
    `import { column, defineEnum, defineTable } from "kyrage";
const mood = defineEnum("${name}", [${labels}]);
const people = defineTable("people", { id: column("int", { primaryKey: true }), mood: column(mood) });
export default { tables: [people], enums: [mood] };
`;
  const dir = await project(target, schema(`"sad", "happy"`));
  await converge(dir, "initial");
  await query(target, "insert into people values (1, 'happy')");
  await writeSchema(dir, schema(`"happy", "sad"`));
  await converge(dir, "reordered", "--allow-destructive");
  assert.deepEqual(await query(target, "select id, mood::text from people"), [{ id: 1, mood: "happy" }]);
});

// README (Constraints and indexes), lines 518-520: "`deferrable: "deferred" | "immediate"` (also on primary keys and
// unique constraints) ... The referenced table ... must have a primary key or unique constraint on exactly those
// columns (checked when the config loads)." A deferrable key passes that check, but PostgreSQL refuses a foreign key
// to it ("cannot use a deferrable unique constraint for referenced table"): the config loads, `generate` writes the
// migration, and `apply` fails.
backendTest("a foreign key to a deferrable key is refused when the config loads", async (target) => {
  const configs: Record<string, string> = {
    "deferrable primary key": `t.primaryKey(["id"], { deferrable: "immediate" })`,
    "deferrable unique constraint": `t.primaryKey(["id"]), t.unique(["code"], { deferrable: "deferred" })`,
  };
  const failures: string[] = [];
  for (const [label, key] of Object.entries(configs)) {
    const referenced = label.includes("primary") ? `"id"` : `"code"`;
    const dir = await project(
      target,
      `import { column, defineTable } from "kyrage";
const parent = defineTable("parent", { id: column("int", { notNull: true }), code: column("text") }, (t) => [${key}]);
const child = defineTable("child", { id: column("int", { primaryKey: true }), ref: column("${
        label.includes("primary") ? "int" : "text"
      }") },
  (t) => [t.reference("ref", parent, ${referenced})]);
export default { tables: [parent, child] };
`,
    );
    const generated = await cli(dir, "generate");
    if (generated.code !== 0) continue;
    const applied = await cli(dir, "apply");
    if (applied.code !== 0) failures.push(`${label}: the config loaded, then apply failed:\n${applied.output}`);
    else await query(target, "drop table if exists child, parent; delete from kyrage_migrations");
  }
  assert.deepEqual(failures, [], failures.join("\n"));
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

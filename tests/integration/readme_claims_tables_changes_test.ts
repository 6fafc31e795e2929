/**
 * Hostile checks of README "Tables and columns", "Enums, composite and range
 * types", "Partitions", "Constraints and indexes" and "Comments, schemas,
 * renames", each through the real CLI (`generate`, `apply`, `plan
 * --exit-code`) on the PostgreSQL server and on PGlite, with rows in the
 * tables. Every test quotes the claim it holds the code to.
 *
 * This file: partitions, renames, enums rebuilt, and what is NOT MANAGED or WILL FAIL.
 */
import assert from "node:assert/strict";
import { BACKENDS, backendTest } from "../support/backends.ts";
import { cli, converge, project, query, writeSchema } from "../support/claims.ts";
import { refusedOrApplied } from "../support/refused_or_applied.ts";

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

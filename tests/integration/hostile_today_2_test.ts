/**
 * Hostile cases for today's DEFAULT-partition and domain-scan blockers:
 * a WILL FAIL must name exactly the rows PostgreSQL refuses (no false
 * positives at bounds, booleans, collations, domains over arrays), and a plan
 * without one must apply and re-plan empty.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { planBlockers } from "../../src/blockers.ts";
import type { Database } from "../../src/dialect/database.ts";
import {
  column,
  type Config,
  defineDomain,
  definePartition,
  defineTable,
  type TableDefinition,
} from "../../src/mod.ts";
import { backendTest, databaseTest, type TestDatabase } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";

async function blockersOf(database: Database, dir: string, config: Config) {
  const desired = loaded(config, dir);
  return await planBlockers(database, await plan(database, desired), desired.desired);
}

/** `parent`, its DEFAULT partition `rest`, and the partition a plan adds (`added`, given the parent) unless false. */
function withDefault(
  parent: TableDefinition,
  rest: string,
  added: false | ((parent: TableDefinition) => TableDefinition),
): Config {
  return { tables: [parent, definePartition(rest, parent, "DEFAULT"), ...(added ? [added(parent)] : [])] };
}

const stamps = (added: boolean) =>
  withDefault(
    defineTable("stamps", { id: column("int", { notNull: true }), at: column("timestamptz") }, undefined, {
      partitionBy: { strategy: "range", keys: ["at"] },
    }),
    "stamps_rest",
    added &&
      ((parent) =>
        definePartition("stamps_2024", parent, { from: ["2024-01-01 00:00:00+00"], to: ["2025-01-01 00:00:00+00"] })),
  );

// Should: the rows inside [2024, 2025) UTC are counted, the inclusive lower bound given at
// +01 among them; a row at the exclusive upper bound, and one at 02:00+02 (the same instant), are not.
databaseTest("a timestamptz range bound counts only the rows before its exclusive end", async (d, dir) => {
  await converge(d, dir, stamps(false));
  await sql`insert into stamps values (1, '2024-12-31 23:30:00+00'), (2, '2025-01-01 00:00:00+00'),
    (3, '2025-01-01 02:00:00+02'), (4, '2024-01-01 01:00:00+01'), (5, null)`.execute(d.db);
  const blockers = await blockersOf(d, dir, stamps(true));
  assert.equal(blockers.length, 1, JSON.stringify(blockers));
  assert.match(blockers[0].reason, / holds 2 rows that belong in it/);
  await sql`delete from stamps where id in (1, 4)`.execute(d.db);
  assert.deepEqual(await blockersOf(d, dir, stamps(true)), []);
  await converge(d, dir, stamps(true));
});

const flags = (added: boolean) =>
  withDefault(
    defineTable("flags", { id: column("int", { notNull: true }), on: column("boolean") }, undefined, {
      partitionBy: { strategy: "list", keys: ["on"] },
    }),
    '"flags rest"""',
    added && ((parent) => definePartition("flags_on", parent, { in: [true] })),
  );

// Should: a boolean list bound counts the true rows only (not false, not NULL), under a hostile DEFAULT name.
databaseTest("a boolean list partition counts only its value in a hostile-named DEFAULT", async (d, dir) => {
  await converge(d, dir, flags(false));
  await sql`insert into flags values (1, true), (2, false), (3, null), (4, true)`.execute(d.db);
  const blockers = await blockersOf(d, dir, flags(true));
  assert.equal(blockers.length, 1, JSON.stringify(blockers));
  assert.match(blockers[0].reason, / holds 2 rows that belong in it/);
  await sql`delete from flags where "on"`.execute(d.db);
  await converge(d, dir, flags(true));
});

function nested(added: boolean): Config {
  const root = defineTable(
    "root",
    { id: column("int", { notNull: true }), k: column("int"), j: column("int") },
    undefined,
    {
      partitionBy: { strategy: "range", keys: ["k"] },
    },
  );
  const mid = definePartition("root_mid", root, { from: [0], to: [100] }, undefined, {
    partitionBy: { strategy: "list", keys: ["j"] },
  });
  return {
    tables: [
      root,
      mid,
      definePartition("root_mid_rest", mid, "DEFAULT"),
      definePartition("root_rest", root, "DEFAULT"),
      ...(added ? [definePartition("root_mid_1", mid, { in: [1] })] : []),
    ],
  };
}

// Should: a partition added to a sub-partitioned partition counts its own DEFAULT's rows only
// (the root's DEFAULT holds j = 1 rows outside root_mid's range, which are fine).
databaseTest("multi-level: a sub-partition counts its own parent's DEFAULT, not the root's", async (d, dir) => {
  await converge(d, dir, nested(false));
  await sql`insert into root values (1, 5, 1), (2, 5, 2), (3, 500, 1), (4, -1, 1)`.execute(d.db);
  const blockers = await blockersOf(d, dir, nested(true));
  assert.equal(blockers.length, 1, JSON.stringify(blockers));
  assert.match(blockers[0].reason, /DEFAULT partition public\.root_mid_rest holds 1 row that belongs in it/);
  await sql`delete from root where id = 1`.execute(d.db);
  await converge(d, dir, nested(true));
});

function arrays(checks: { name: string; expression: string }[]): Config {
  const base = defineDomain("int_list", { type: "int[]", checks });
  const over = defineDomain("short_list", { type: "int_list" });
  return {
    domains: [base, over],
    tables: [
      defineTable("lists", { id: column("int", { primaryKey: true }), 'odd "col': column("short_list") }),
      defineTable("empty_lists", { id: column("int", { primaryKey: true }), v: column("int_list") }),
    ],
  };
}

// Should: a check added to a domain over an array counts bad values in the column of a
// domain over it (hostile column name), and not in the empty table using the domain itself.
// Did: the first apply never converges: columns whose type is a domain over an array were not
// introspected (introspect/tables.ts joined pg_type on typelem, which is 0 for a domain), so
// every plan added them again.
databaseTest(
  "a check on a domain over an array is counted through a domain over it",
  async (d, dir) => {
    await converge(d, dir, arrays([]));
    await sql`insert into lists values (1, '{1,2}'), (2, '{1,2,3}'), (3, null)`.execute(d.db);
    const wanted = arrays([{ name: "short", expression: "cardinality(VALUE) < 3" }]);
    const blockers = await blockersOf(d, dir, wanted);
    assert.deepEqual(blockers.map((b) => b.object), ['public.lists.odd "col']);
    assert.match(blockers[0].reason, /^has 1 values that break check short of domain public\.int_list/);
    await sql`delete from lists where id = 2`.execute(d.db);
    await converge(d, dir, wanted);
  },
);

function nullish(checks: { name: string; expression: string }[]): Config {
  return {
    domains: [defineDomain("slug", { type: "text", checks })],
    tables: [defineTable("pages", { id: column("int", { primaryKey: true }), slug: column("slug") })],
  };
}

// Should: `VALUE IS NOT NULL` fails on NULLs (PostgreSQL evaluates domain checks on NULL);
// a regex check fails only on non-matching non-NULL values.
databaseTest("VALUE IS NOT NULL and a regex check count exactly the rows PostgreSQL refuses", async (d, dir) => {
  await converge(d, dir, nullish([]));
  await sql`insert into pages values (1, 'ok'), (2, null), (3, 'Bad Slug')`.execute(d.db);
  const wanted = nullish([
    { name: "present", expression: "VALUE IS NOT NULL" },
    { name: "shape", expression: "VALUE ~ '^[a-z-]+$'" },
  ]);
  const blockers = await blockersOf(d, dir, wanted);
  assert.deepEqual(blockers.map((b) => b.reason.split(" of domain")[0]).sort(), [
    "has 1 values that break check present",
    "has 1 values that break check shape",
  ]);
  await sql`delete from pages where id in (2, 3)`.execute(d.db);
  await converge(d, dir, wanted);
});

function collated(checks: { name: string; expression: string }[]): Config {
  return {
    domains: [defineDomain("word", { type: "text", collation: '"und-x-icu"', checks })],
    tables: [defineTable("words", { id: column("int", { primaryKey: true }), w: column("word") })],
  };
}

// Should: PostgreSQL gives VALUE the base type's collation (the server's C: 'B' < 'a'), not the
// domain's ICU one ('B' > 'a'), so 'B' breaks `VALUE > 'a'`: WILL FAIL. Did: no blocker (the
// column's ICU collation reached the check), then apply failed with a check violation.
databaseTest("a domain check is evaluated under the base type's collation, not the domain's", async (d, dir) => {
  await converge(d, dir, collated([]));
  await sql`insert into words values (1, 'B'), (2, 'b')`.execute(d.db);
  const wanted = collated([{ name: "after_a", expression: "VALUE > 'a'" }]);
  const blockers = await blockersOf(d, dir, wanted);
  assert.deepEqual(blockers.map((b) => b.object), ["public.words.w"]);
  assert.match(blockers[0].reason, /^has 1 values that break check after_a/);
  await sql`delete from words where id = 1`.execute(d.db);
  await converge(d, dir, wanted);
}, ["postgres"]);

const UPSTREAM_F1 = {
  version: "1",
  id: "1700000000000",
  diff: {
    operations: [{
      type: "add_column",
      table: "customers",
      column: "tier",
      attributes: { type: "text", primaryKey: false, notNull: false, unique: false },
    }],
  },
};

/**
 * A database upstream migrated (`found`: what it found there; then Kysely's history tables and UPSTREAM_F1 applied),
 * imported by `import-upstream` (which must succeed) into a project whose `kyrage.config.ts` is `config`: its dir.
 */
async function importedUpstream(target: TestDatabase, found: readonly string[], config: string): Promise<string> {
  const db = await target.open();
  try {
    for (
      const statement of [
        ...found,
        `create table kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`,
        `create table kysely_migration_lock (id varchar(255) not null primary key, is_locked integer default 0 not null)`,
        `alter table customers add column tier text`,
        `insert into kysely_migration values ('${UPSTREAM_F1.id}', '2023-11-14T22:14:00.000Z')`,
      ]
    ) await sql.raw(statement).execute(db.db);
  } finally {
    await db.close();
  }
  const dir = await tempProject({
    "kyrage.config.ts": config,
    [`migrations/${UPSTREAM_F1.id}.json`]: JSON.stringify(UPSTREAM_F1),
  });
  const imported = await runCli(["import-upstream"], { cwd: dir });
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  return dir;
}

// Should: the baseline holds what the found table needs (its columns' domains, and the enum
// under one of them), so
// `check` replays the migrations and `status` shows no drift. Did: the baseline created the table
// without its domain, so the replay failed (type "email" does not exist).
backendTest("import-upstream's baseline carries a domain a found table's column uses", async (target) => {
  const dir = await importedUpstream(
    target,
    [
      `create domain email as text check (value like '%@%')`,
      `create type level as enum ('lo', 'hi')`,
      `create domain grade as level`,
      `create table customers (id integer constraint customers_id_primary_key primary key, contact email, g grade)`,
      `insert into customers values (1, 'a@b', 'hi')`,
    ],
    `import { column as c, defineConfig, defineDomain, defineEnum, defineTable as t } from "kyrage";
const level = defineEnum("level", ["lo", "hi"]);
const grade = defineDomain("grade", { type: "level" });
const email = defineDomain("email", { type: "text", checks: [{ name: "email_check", expression: "VALUE ~~ '%@%'::text" }] });
const customers = t("customers", { id: c("integer", { primaryKey: true }), contact: c(email), g: c(grade), tier: c("text") });
export default defineConfig({ naming: "kyrage-v1", database: ${
      databaseBlock(target)
    }, enums: [level], domains: [email, grade], tables: [customers] });`,
  );
  for (const args of [["plan", "--exit-code"], ["check"], ["status"]]) {
    const result = await runCli(args, { cwd: dir });
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
    assert.doesNotMatch(result.stdout, /drift/i);
  }
}, ["postgres"]);

const exprBound = (added: boolean) =>
  withDefault(
    defineTable("codes", { id: column("int", { notNull: true }), code: column("text") }, undefined, {
      partitionBy: { strategy: "list", keys: ["code"] },
    }),
    "codes_rest",
    added && ((parent) => definePartition("codes_b", parent, "FOR VALUES IN (upper('b'))")),
  );

// Should: a bound given as an expression (PostgreSQL 12+ evaluates it) over a DEFAULT row in it is WILL FAIL
// like a literal one, and once the row is gone the plan applies and re-plans empty.
databaseTest("a list bound given with an expression counts the DEFAULT partition's rows in it", async (d, dir) => {
  await converge(d, dir, exprBound(false));
  await sql`insert into codes values (1, 'B'), (2, 'b')`.execute(d.db);
  const blockers = await blockersOf(d, dir, exprBound(true));
  assert.equal(blockers.length, 1, JSON.stringify(blockers));
  assert.match(blockers[0].reason, / holds 1 row that belongs in it/);
  await sql`delete from codes where id = 1`.execute(d.db);
  await converge(d, dir, exprBound(true));
});

const collatedRange = (added: boolean) =>
  withDefault(
    defineTable("names", { id: column("int", { notNull: true }), n: column("text") }, undefined, {
      partitionBy: { strategy: "range", keys: [{ column: "n", collation: '"und-x-icu"' }] },
    }),
    "names_rest",
    added && ((parent) => definePartition("names_a", parent, { from: ["a"], to: ["b"] })),
  );

// Should: a text range under the key's ICU collation ('A' and 'a' both sort in [a, b)); under C only 'a' would.
databaseTest("a text range bound is read under the partition key's collation", async (d, dir) => {
  await converge(d, dir, collatedRange(false));
  await sql`insert into names values (1, 'a'), (2, 'A'), (3, 'B'), (4, 'b')`.execute(d.db);
  const blockers = await blockersOf(d, dir, collatedRange(true));
  assert.equal(blockers.length, 1, JSON.stringify(blockers));
  assert.match(blockers[0].reason, / holds 2 rows that belong in it/);
  await sql`delete from names where id in (1, 2)`.execute(d.db);
  await converge(d, dir, collatedRange(true));
}, ["postgres"]);

/** A database upstream migrated with citext installed in schema `ext` by hand, imported: the project dir. */
function importedWithExtension(target: TestDatabase): Promise<string> {
  return importedUpstream(
    target,
    [
      `create schema ext`,
      `create extension citext with schema ext`,
      `create table customers (id integer constraint customers_id_primary_key primary key)`,
    ],
    `import { column as c, defineConfig, defineExtension, defineTable as t } from "kyrage";
const customers = t("customers", { id: c("integer", { primaryKey: true }), tier: c("text") });
export default defineConfig({ naming: "kyrage-v1", database: ${
      databaseBlock(target)
    }, extensions: [defineExtension("citext", { schema: "ext" })], tables: [customers] });`,
  );
}

// Should: an extension upstream found installed in a schema of its own is replayed there, so
// `check` passes. Did: the baseline ran CREATE EXTENSION ... WITH SCHEMA "ext" on the fresh dev
// database without creating "ext" (schema "ext" does not exist).
backendTest("import-upstream's baseline replays an extension installed in another schema", async (target) => {
  const dir = await importedWithExtension(target);
  for (const args of [["plan", "--exit-code"], ["check"], ["status"]]) {
    const result = await runCli(args, { cwd: dir });
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
  }
}, ["postgres"]);

// `status` right after import-upstream shows no drift: the baseline records the extension without its version, and
// the replay on PGlite installs PGlite's own (it said "Schema drift ... ~ extension citext: changed in place").
backendTest(
  "status after import-upstream shows no drift for a baseline extension",
  async (target) => {
    const dir = await importedWithExtension(target);
    const status = await runCli(["status"], { cwd: dir });
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.doesNotMatch(status.stdout, /drift/i);
  },
  ["postgres"],
);

// The same without upstream: an extension declared without a version is created as the server ships it, and the
// history's replay on PGlite installs PGlite's own (citext 1.8 against the server's 1.6); that is not drift.
backendTest("status shows no drift for an extension whose version the history never pinned", async (target) => {
  const dir = await tempProject({
    "kyrage.config.ts": `import { column, defineConfig, defineExtension, defineTable } from "kyrage";
export default defineConfig({ database: ${databaseBlock(target)}, extensions: [defineExtension("citext")],
  tables: [defineTable("users", { id: column("int", { primaryKey: true }), email: column("citext") })] });`,
  });
  for (const command of ["generate", "apply"]) {
    const run = await runCli([command], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
  }
  const status = await runCli(["status", "--exit-code"], { cwd: dir });
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.doesNotMatch(status.stdout, /drift:/i);
}, ["postgres"]);

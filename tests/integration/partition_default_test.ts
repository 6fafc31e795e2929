/**
 * A partition added beside a DEFAULT partition that holds rows in its bound
 * is a blocker naming how many (range with MINVALUE / MAXVALUE and several
 * keys, list with NULL, quotes, backslashes and an expression key, a DEFAULT
 * partition split by hash). PostgreSQL is the judge of each count: once the
 * counted rows are deleted the migration applies, and inserted again they
 * land in the new partition while every row not counted stays in the default.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { planBlockers } from "../../src/blockers.ts";
import type { Database } from "../../src/dialect/database.ts";
import { column, type Config, definePartition, defineTable } from "../../src/mod.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";

/** Blocked partition → the row count its message names. */
async function blockedRows(database: Database, dir: string, config: Config): Promise<Record<string, number>> {
  const desired = loaded(config, dir);
  const blockers = await planBlockers(database, await plan(database, desired), desired.desired);
  return Object.fromEntries(blockers.map((b) => {
    const count = b.reason.match(/ holds (\d+) rows? that belongs? in it/);
    assert.ok(count, `a count in: ${b.object} ${b.reason}`);
    return [b.object, Number(count[1])];
  }));
}

/** `table`'s rows by id → the partition holding each. */
async function placement(database: Database, table: string): Promise<Record<string, string>> {
  const rows = await sql<{ id: string; part: string }>`
    select id::text as id, tableoid::regclass::text as part from ${sql.table(table)} order by id`.execute(database.db);
  return Object.fromEntries(rows.rows.map((r) => [r.id, r.part]));
}

/**
 * The rows of `table` whose ids are `counted` deleted, then `config`
 * converged and the rows inserted again: `expected` is where every row lands.
 */
async function moveThrough(
  database: Database,
  dir: string,
  config: Config,
  table: string,
  counted: readonly number[],
  expected: Record<string, string>,
): Promise<void> {
  const ids = counted.map(String);
  const saved = await sql`select * from ${sql.table(table)} where id::text = any(${ids})`.execute(database.db);
  assert.equal(saved.rows.length, counted.length);
  await sql`delete from ${sql.table(table)} where id::text = any(${ids})`.execute(database.db);
  await converge(database, dir, config);
  await sql`insert into ${sql.table(table)}
    select * from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(saved.rows)}::text::json)`
    .execute(database.db);
  assert.deepEqual(await placement(database, table), expected);
}

function grid(shape: "start" | "added" | "widened"): Config {
  const parent = defineTable(
    "grid",
    { id: column("bigint", { notNull: true }), a: column("int"), b: column("int") },
    undefined,
    {
      partitionBy: { strategy: "range", keys: ["a", "b"] },
    },
  );
  const added = shape === "start" ? [] : [
    definePartition("grid_low", parent, "FOR VALUES FROM (MINVALUE, MINVALUE) TO (0, 0)"),
    definePartition("grid_mid", parent, "FOR VALUES FROM (10, 0) TO (20, MINVALUE)"),
    definePartition(
      "grid_high",
      parent,
      shape === "added"
        ? "FOR VALUES FROM (30, MAXVALUE) TO (MAXVALUE, MAXVALUE)"
        : "FOR VALUES FROM (25, MINVALUE) TO (MAXVALUE, MAXVALUE)",
    ),
  ];
  return {
    tables: [
      parent,
      definePartition("grid_core", parent, { from: [0, 0], to: [10, 0] }),
      definePartition("grid_rest", parent, "DEFAULT"),
      ...added,
    ],
  };
}

databaseTest(
  "range bounds with MINVALUE, MAXVALUE and two keys count the DEFAULT partition's rows in them",
  async (database, dir) => {
    await converge(database, dir, grid("start"));
    await sql`insert into grid values
    (1, -5, 100), (2, 0, -1), (3, -5, null),
    (4, 10, 0), (5, 19, 999), (6, 20, -5), (7, 10, null),
    (8, 31, -100), (9, 30, 1000), (10, null, 5), (11, 25, 0), (12, 5, 5)`.execute(database.db);
    assert.deepEqual(await blockedRows(database, dir, grid("added")), {
      "public.grid_low": 2,
      "public.grid_mid": 2,
      "public.grid_high": 1,
    });
    const rest = "grid_rest";
    const placedOnceAdded = {
      1: "grid_low",
      2: "grid_low",
      3: rest,
      4: "grid_mid",
      5: "grid_mid",
      6: rest,
      7: rest,
      8: "grid_high",
      9: rest,
      10: rest,
      11: rest,
      12: "grid_core",
    };
    await moveThrough(database, dir, grid("added"), "grid", [1, 2, 4, 5, 8], placedOnceAdded);
    // A bound widened over the default's rows: detached, then attached again over them.
    const widened = loaded(grid("widened"), dir);
    assert.deepEqual(await planBlockers(database, await plan(database, widened), widened.desired), [{
      object: "public.grid_high",
      reason: "is a partition of public.grid FOR VALUES FROM (25, MINVALUE) TO (MAXVALUE, MAXVALUE), but its DEFAULT " +
        "partition public.grid_rest holds 2 rows that belong in it, so attaching it would fail; move them out " +
        "of public.grid_rest first (copy them aside and DELETE them from it), apply, then INSERT them into " +
        "public.grid again, where they land in public.grid_high",
    }]);
    // The widened grid_high takes rows 9 and 11; the rest stay where they were.
    await moveThrough(database, dir, grid("widened"), "grid", [9, 11], {
      ...placedOnceAdded,
      9: "grid_high",
      11: "grid_high",
    });
  },
);

function lists(added: boolean): Config {
  const tags = defineTable("tags", { id: column("bigint", { notNull: true }), kind: column("text") }, undefined, {
    partitionBy: { strategy: "list", keys: ["kind"] },
  });
  const names = defineTable("names", { id: column("bigint", { notNull: true }), name: column("text") }, undefined, {
    partitionBy: { strategy: "list", keys: [{ expression: "lower(name)" }] },
  });
  return {
    tables: [
      tags,
      definePartition("tags_a", tags, { in: ["a"] }),
      definePartition("tags_rest", tags, "DEFAULT"),
      names,
      definePartition("names_x", names, { in: ["x"] }),
      definePartition("names_rest", names, "DEFAULT"),
      ...(added
        ? [
          definePartition("tags_b", tags, { in: ["b", "it's", "back\\slash"] }),
          definePartition("tags_c", tags, { in: ["c", null] }),
          definePartition("names_b", names, { in: ["b"] }),
        ]
        : []),
    ],
  };
}

databaseTest(
  "list bounds with NULL, quotes, backslashes and an expression key count the DEFAULT partition's rows in them",
  async (database, dir) => {
    await converge(database, dir, lists(false));
    await sql`insert into tags values (1, 'b'), (2, null), (3, 'it''s'), (4, 'back\\slash'), (5, 'B'), (6, 'c'),
    (7, 'a'), (8, 'd'), (9, 'back')`.execute(database.db);
    await sql`insert into names values (1, 'B'), (2, 'b'), (3, 'bb'), (4, null), (5, 'X')`.execute(database.db);
    assert.deepEqual(await blockedRows(database, dir, lists(true)), {
      "public.tags_b": 3,
      "public.tags_c": 2,
      "public.names_b": 2,
    });
    await sql`delete from names where id in (1, 2)`.execute(database.db);
    await moveThrough(database, dir, lists(true), "tags", [1, 2, 3, 4, 6], {
      1: "tags_b",
      2: "tags_c",
      3: "tags_b",
      4: "tags_b",
      5: "tags_rest",
      6: "tags_c",
      7: "tags_a",
      8: "tags_rest",
      9: "tags_rest",
    });
    await sql`insert into names values (1, 'B'), (2, 'b')`.execute(database.db);
    assert.deepEqual(await placement(database, "names"), {
      1: "names_b",
      2: "names_b",
      3: "names_rest",
      4: "names_rest",
      5: "names_x",
    });
  },
);

function hashed(added: boolean): Config {
  const events = defineTable("events", { id: column("bigint", { notNull: true }), at: column("date") }, undefined, {
    partitionBy: { strategy: "range", keys: ["at"] },
  });
  const rest = definePartition("events_rest", events, "DEFAULT", undefined, {
    partitionBy: { strategy: "hash", keys: ["id"] },
  });
  const buckets = defineTable("buckets", { id: column("bigint", { notNull: true }) }, undefined, {
    partitionBy: { strategy: "hash", keys: ["id"] },
  });
  return {
    tables: [
      events,
      definePartition("events_2024", events, { from: ["2024-01-01"], to: ["2025-01-01"] }),
      rest,
      definePartition("events_rest_0", rest, { modulus: 2, remainder: 0 }),
      definePartition("events_rest_1", rest, { modulus: 2, remainder: 1 }),
      buckets,
      ...[0, 1, 2, ...(added ? [3] : [])].map((r) =>
        definePartition(`buckets_${r}`, buckets, { modulus: 4, remainder: r })
      ),
      ...(added ? [definePartition("events_2025", events, { from: ["2025-01-01"], to: ["2026-01-01"] })] : []),
    ],
  };
}

databaseTest(
  "a DEFAULT partition split by hash is counted whole; a new hash partition is never blocked",
  async (database, dir) => {
    await converge(database, dir, hashed(false));
    await sql`insert into events select g, date '2025-01-01' + g from generate_series(1, 6) g`.execute(database.db);
    await sql`insert into events values (7, '2024-06-01'), (8, '2026-01-01'), (9, null)`.execute(database.db);
    const spread = await sql<{ part: string }>`select distinct tableoid::regclass::text as part from events
    where id <= 6 order by 1`.execute(database.db);
    assert.deepEqual(spread.rows.map((r) => r.part), ["events_rest_0", "events_rest_1"]);
    // Rows only where a partition takes them: remainders 0 to 2 of modulus 4.
    await sql`insert into buckets select g from generate_series(1, 40) g
    where satisfies_hash_partition('buckets'::regclass, 4, 0, g::bigint)
       or satisfies_hash_partition('buckets'::regclass, 4, 1, g::bigint)
       or satisfies_hash_partition('buckets'::regclass, 4, 2, g::bigint)`.execute(database.db);
    assert.deepEqual(await blockedRows(database, dir, hashed(true)), { "public.events_2025": 6 });
    const before = await placement(database, "events");
    await moveThrough(database, dir, hashed(true), "events", [1, 2, 3, 4, 5, 6], {
      ...Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [i, "events_2025"])),
      7: "events_2024",
      8: before[8],
      9: before[9],
    });
  },
);

/**
 * A partition whose bound changes, on a populated table: rows outside the
 * new bound are a blocker naming how many (PostgreSQL would refuse the
 * ATTACH), and online the new bound is proved by a validated check first, so
 * the ATTACH does not scan the partition while the parent is locked. The
 * plan's lock labels name the parent and the DEFAULT partition a partition
 * change locks, and `--max-lock` counts them.
 */
import assert from "node:assert/strict";
import { sql, type Transaction } from "kysely";
import { planBlockers } from "../../src/blockers.ts";
import { renderPlan } from "../../src/cli/render.ts";
import { defaultPartitions } from "../../src/diff/hazards.ts";
import type { Database } from "../../src/dialect/database.ts";
import { compileOperation } from "../../src/dialect/postgres/compile.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { column, type Config, definePartition, defineTable } from "../../src/mod.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, generateAndApply, loaded, plan } from "../support/pipeline.ts";

type Bounds = { readonly y2025?: string; readonly blue?: (string | null)[]; readonly rest?: boolean };

/** `events` by date range (2024, 2025 and maybe a DEFAULT) and `paints` by colour list. */
function shop(bounds: Bounds = {}): Config {
  const events = defineTable(
    "events",
    { id: column("bigint", { notNull: true }), at: column("date", { notNull: true }) },
    undefined,
    { partitionBy: { strategy: "range", keys: ["at"] } },
  );
  const paints = defineTable(
    "paints",
    { id: column("bigint", { notNull: true }), colour: column("text") },
    undefined,
    { partitionBy: { strategy: "list", keys: ["colour"] } },
  );
  return {
    tables: [
      events,
      definePartition("events_2024", events, { from: ["2024-01-01"], to: ["2025-01-01"] }),
      definePartition("events_2025", events, { from: ["2025-01-01"], to: [bounds.y2025 ?? "2026-01-01"] }),
      ...(bounds.rest ? [definePartition("events_rest", events, "DEFAULT")] : []),
      paints,
      definePartition("paints_blue", paints, { in: bounds.blue ?? ["navy", "sky", null] }),
      definePartition("paints_red", paints, { in: ["ruby"] }),
    ],
  };
}

async function populated(database: Database, dir: string, bounds: Bounds = {}): Promise<void> {
  await converge(database, dir, shop(bounds));
  await sql`insert into events select i, date '2024-01-01' + i from generate_series(0, 729) i`.execute(database.db);
  await sql`insert into paints values (1, 'navy'), (2, 'sky'), (3, null), (4, 'sky'), (5, 'ruby')`
    .execute(database.db);
}

const countOf = async (database: Database, table: string) =>
  Number(
    (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db)).rows[0].n,
  );

databaseTest("rows outside a partition's new bound are a blocker naming how many", async (database, dir) => {
  await populated(database, dir);
  const narrowed = loaded(shop({ y2025: "2025-06-01", blue: ["navy"] }), dir);
  const blockers = await planBlockers(database, await plan(database, narrowed), narrowed.desired);
  assert.deepEqual(blockers, [
    {
      object: "public.events_2025",
      reason: "gets the bound FOR VALUES FROM ('2025-01-01') TO ('2025-06-01'), but 213 of its rows are outside it, " +
        "so attaching it again would fail; move or delete them first, or keep a bound that holds them",
    },
    {
      object: "public.paints_blue",
      reason: "gets the bound FOR VALUES IN ('navy'), but 3 of its rows are outside it, so attaching it again " +
        "would fail; move or delete them first, or keep a bound that holds them",
    },
  ]);
  // PostgreSQL agrees: with exactly those rows gone, the same change applies and keeps every other row.
  await sql`delete from events where at >= '2025-06-01'`.execute(database.db);
  await sql`delete from paints where colour is distinct from 'navy' and colour is distinct from 'ruby'`
    .execute(database.db);
  await converge(database, dir, shop({ y2025: "2025-06-01", blue: ["navy"] }));
  assert.equal(await countOf(database, "events_2025"), 151);
  assert.equal(await countOf(database, "paints"), 2);
  // A bound widened over every row it holds blocks nothing.
  const widened = loaded(shop({ y2025: "2027-01-01", blue: ["navy", "teal"] }), dir);
  assert.deepEqual(await planBlockers(database, await plan(database, widened), widened.desired), []);
});

/**
 * The sequential scans of `partition` that each list of operations makes,
 * run one list after the other in a transaction that is rolled back (the
 * counter also holds this session's scans not yet reported, hence the
 * differences).
 */
async function scansBy(database: Database, steps: readonly Operation[][], partition: string): Promise<number[]> {
  const scans = (tx: Transaction<unknown>) =>
    sql<{ n: string }>`select pg_stat_get_xact_numscans(${partition}::regclass)::text as n`.execute(tx)
      .then((r) => Number(r.rows[0].n));
  const made: number[] = [];
  await database.db.transaction().execute(async (tx) => {
    for (const ops of steps) {
      const before = await scans(tx);
      for (const statement of ops.flatMap(compileOperation)) await sql.raw(statement).execute(tx);
      made.push(await scans(tx) - before);
    }
    throw new Error("rolled back");
  }).catch((e: Error) => {
    if (e.message !== "rolled back") throw e;
  });
  return made;
}

databaseTest(
  "online, a changed bound is proved by a validated check, so ATTACH does not scan",
  async (database, dir) => {
    await populated(database, dir);
    const wider = shop({ y2025: "2027-01-01" });
    const offline = await plan(database, { ...loaded(wider, dir), online: false });
    assert.deepEqual(offline.map((op) => op.kind), ["detach_partition", "attach_partition"]);
    assert.deepEqual(await scansBy(database, [offline], "events_2025"), [1], "the plain ATTACH scans");

    const online = await plan(database, loaded(wider, dir));
    assert.deepEqual(online.map((op) => op.kind), ["add_check", "validate_constraint", "attach_partition"]);
    const [add, validate, attach] = online;
    assert.deepEqual(
      await scansBy(database, [[add], [validate], [attach]], "events_2025"),
      [0, 1, 0],
      "VALIDATE scans (SHARE UPDATE EXCLUSIVE), then ATTACH trusts the check",
    );
    const text = renderPlan(online).join("\n");
    assert.doesNotMatch(text.slice(text.indexOf("DETACH")), /scans table/);
    // Generated, the validation is a migration of its own, before the one that detaches and attaches.
    const files = () => [...Deno.readDirSync(`${dir}/migrations`)].length;
    const before = files();
    await generateAndApply(database, loaded(wider, dir));
    assert.equal(files() - before, 3);
    assert.deepEqual(await plan(database, loaded(wider, dir)), [], "re-plan is empty");
    assert.equal(await countOf(database, "events_2025"), 364);
    const checks = await sql<{ conname: string }>`
      select conname from pg_constraint where conrelid = 'events_2025'::regclass and contype = 'c'`
      .execute(database.db);
    assert.deepEqual(checks.rows, [], "the proving check is dropped");
  },
);

databaseTest(
  "a partition change labels the locks it takes on the parent and the DEFAULT partition",
  async (database, dir) => {
    await populated(database, dir, { rest: true });
    const labels = async (config: Config) => {
      const desired = loaded(config, dir);
      return renderPlan(await plan(database, desired), new Map(), defaultPartitions(desired.desired.tables)).join("\n");
    };
    const text = await labels(shop({ rest: true, y2025: "2025-12-01" }));
    assert.match(text, /LOCK ACCESS EXCLUSIVE on public\.events: parent of public\.events_2025/);
    assert.match(
      text,
      /LOCK ACCESS EXCLUSIVE on public\.events_rest: scans table, [^\n]*DEFAULT partition of public\.events/,
    );
    // Plain, the ATTACH after the DETACH holds the parent as the DETACH took it.
    const plain = loaded(shop({ rest: true, y2025: "2025-12-01" }), dir);
    const pair = renderPlan(
      await plan(database, { ...plain, online: false }),
      new Map(),
      defaultPartitions(plain.desired.tables),
    );
    assert.equal(
      pair.filter((l) => /LOCK ACCESS EXCLUSIVE on public\.events: parent of public\.events_2025/.test(l)).length,
      2,
    );
    const parent = shop().tables[0];
    const more = {
      tables: [
        ...shop({ rest: true }).tables,
        definePartition("events_2030", parent, { from: ["2030-01-01"], to: ["2031-01-01"] }),
      ],
    };
    const adding = await labels(more);
    assert.match(adding, /LOCK ACCESS EXCLUSIVE on public\.events: parent of public\.events_2030/);
    assert.match(adding, /LOCK ACCESS EXCLUSIVE on public\.events_rest: scans table, [^\n]*events_2030/);
    // Without a DEFAULT partition, a new partition only locks its parent for an instant.
    const alone = await labels({
      tables: [...shop().tables, definePartition("events_2030", parent, { from: ["2030-01-01"], to: ["2031-01-01"] })],
    });
    assert.match(alone, /LOCK ACCESS EXCLUSIVE on public\.events: parent of public\.events_2030/);
    assert.doesNotMatch(alone, /scans table/);
    // A partition dropped locks its parent too.
    const dropped = await labels({ tables: shop().tables.filter((t) => t.name !== "events_2024") });
    assert.match(dropped, /LOCK ACCESS EXCLUSIVE on public\.events: parent of public\.events_2024/);
    // --max-lock share refuses it: the DEFAULT partition is scanned while the parent is locked.
    await assert.rejects(
      generateMigration(database, loaded(more, dir), { maxLock: "share" }),
      /events_2030[^;]*holds ACCESS EXCLUSIVE/,
    );
  },
);

databaseTest(
  "hostile names, a list holding NULL proved online, and a range of two keys kept plain",
  async (database, dir) => {
    const config = (wide: boolean): Config => {
      const parent = defineTable(
        '"we""ird.lo g"',
        { "k ey": column("int", { notNull: true }), 'o"rder': column("int", { notNull: true }), tag: column("text") },
        undefined,
        { partitionBy: { strategy: "range", keys: ["k ey", 'o"rder'] } },
      );
      const tagged = defineTable("tagged", { tag: column("text") }, undefined, {
        partitionBy: { strategy: "list", keys: ["tag"] },
      });
      return {
        tables: [
          parent,
          definePartition('"pa""rt.one"', parent, { from: [0, 0], to: wide ? [20, 0] : [10, 5] }),
          tagged,
          definePartition("tagged_misc", tagged, { in: wide ? ["it's", "x", null] : ["it's", null] }),
        ],
      };
    };
    await converge(database, dir, config(false));
    await sql`insert into ${sql.id('we"ird.lo g')} values (0, 0, 'a'), (10, 4, 'b'), (5, 99, null)`
      .execute(database.db);
    await sql`insert into tagged values ('it''s'), (null)`.execute(database.db);
    const ops = await plan(database, loaded(config(true), dir));
    // The range of two keys keeps the plain pair: PostgreSQL would not see its check as proving the bound.
    assert.deepEqual(ops.map((op) => `${op.kind} ${"table" in op ? op.table : ""}`), [
      'detach_partition pa"rt.one',
      'attach_partition pa"rt.one',
      "add_check tagged_misc",
      "validate_constraint tagged_misc",
      "attach_partition tagged_misc",
    ]);
    const [, , add, validate, attach] = ops;
    // The list's ATTACH trusts its check, NULL included.
    assert.deepEqual(await scansBy(database, [[add, validate], [attach]], "tagged_misc"), [1, 0]);
    await converge(database, dir, config(true));
    const rows = await sql<{ n: string }>`select count(*)::text as n from ${sql.id('pa"rt.one')}`.execute(database.db);
    assert.equal(rows.rows[0].n, "3");
    assert.equal(await countOf(database, "tagged"), 2);
  },
);

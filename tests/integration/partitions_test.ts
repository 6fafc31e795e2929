/**
 * Declarative partitioning on both backends: a range-partitioned table
 * converges through new partitions, columns, indexes and bound changes with
 * its rows kept, and loses a partition only through the destructive gate;
 * list, hash and sub-partitioning converge; a pulled partitioned schema
 * round-trips exactly; a plain table is never silently rebuilt partitioned.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { loadConfig } from "../../src/config/load.ts";
import type { Database } from "../../src/dialect/database.ts";
import { introspect } from "../../src/dialect/postgres/introspect.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { column, type Config, definePartition, defineTable } from "../../src/mod.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { createTestDatabase, databaseTest, type TestDatabase } from "../support/backends.ts";
import { converge, generateAndApply, loaded, plan } from "../support/pipeline.ts";
import { statements } from "../support/sql_schemas.ts";

const kinds = (ops: readonly Operation[]) =>
  ops.map((op) => `${op.kind} ${"table" in op ? op.table : "schema" in op ? op.schema : ""}`);

/** Which partition holds each row, by id. */
async function placement(database: Database, table: string): Promise<Record<string, string>> {
  const rows = await sql<{ id: string; part: string }>`
    select id::text as id, tableoid::regclass::text as part from ${sql.table(table)} order by id`.execute(database.db);
  return Object.fromEntries(rows.rows.map((r) => [r.id, r.part]));
}

interface EventsShape {
  readonly note?: boolean;
  readonly y2026?: string;
  readonly y2024?: boolean;
}

function events(shape: EventsShape): Config {
  const parent = defineTable(
    "events",
    {
      id: column("bigint", { notNull: true }),
      at: column("date", { notNull: true }),
      kind: column("text", { defaultSql: "'click'" }),
      ...(shape.note ? { note: column("text") } : {}),
    },
    (t) => [t.primaryKey(["id", "at"]), ...(shape.note ? [t.index(["note"])] : [])],
    { partitionBy: { strategy: "range", keys: ["at"] } },
  );
  return {
    tables: [
      parent,
      ...(shape.y2024 === false
        ? []
        : [definePartition("events_2024", parent, { from: ["2024-01-01"], to: ["2025-01-01"] })]),
      definePartition(
        "events_2025",
        parent,
        "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
        (t) => [t.check("id > 0")],
        {
          with: { fillfactor: 80 },
        },
      ),
      ...(shape.y2026
        ? [definePartition("events_2026", parent, `FOR VALUES FROM ('2026-01-01') TO ('${shape.y2026}')`)]
        : []),
      definePartition("events_other", parent, "DEFAULT"),
    ],
  };
}

databaseTest(
  "range partitions converge: new partition, column and index on the parent, bound change, gated drop",
  async (database, dir) => {
    const created = await converge(database, dir, events({}));
    assert.deepEqual(kinds(created), [
      "create_table events",
      "create_table events_2024",
      "create_table events_2025",
      "create_table events_other",
      "add_check events_2025",
    ]);
    await sql`insert into events (id, at) values (1, '2024-05-01'), (2, '2025-03-01'), (3, '2030-01-01')`.execute(
      database.db,
    );
    assert.deepEqual(await placement(database, "events"), { 1: "events_2024", 2: "events_2025", 3: "events_other" });

    // The new column and index reach the partitions through the parent, and are not seen as their drift.
    const evolved = await converge(database, dir, events({ note: true, y2026: "2027-01-01" }));
    assert.deepEqual(kinds(evolved), ["create_table events_2026", "add_column events", "create_index events"]);
    const indexed = await sql<{ n: number }>`
    select count(*)::int as n from pg_indexes where tablename like 'events_%' and indexdef like '%(note)%'`
      .execute(database.db);
    assert.equal(indexed.rows[0].n, 4, "every partition has the parent's index");
    await sql`insert into events (id, at, note) values (4, '2026-06-01', 'x')`.execute(database.db);

    const moved = await converge(database, dir, events({ note: true, y2026: "2028-01-01" }));
    // Online, the new bound is proved by a validated check before the partition is detached and attached again.
    assert.deepEqual(kinds(moved), [
      "add_check events_2026",
      "validate_constraint events_2026",
      "attach_partition events_2026",
    ]);
    await sql`insert into events (id, at) values (5, '2027-06-01')`.execute(database.db);
    assert.deepEqual(await placement(database, "events"), {
      1: "events_2024",
      2: "events_2025",
      3: "events_other",
      4: "events_2026",
      5: "events_2026",
    });

    const files = (await readMigrations(`${dir}/migrations`)).length;
    const without2024 = loaded(events({ note: true, y2026: "2028-01-01", y2024: false }), dir);
    await assert.rejects(
      generateMigration(database, without2024),
      /destructive and would lose: partition public\.events_2024 \(FOR VALUES FROM \('2024-01-01'\) TO \('2025-01-01'\)\) of public\.events and all its rows/,
    );
    assert.equal((await readMigrations(`${dir}/migrations`)).length, files, "nothing written");
    assert.deepEqual(kinds(await converge(database, dir, events({ note: true, y2026: "2028-01-01", y2024: false }))), [
      "drop_table events_2024",
    ]);
    assert.deepEqual(Object.keys(await placement(database, "events")), ["2", "3", "4", "5"]);
  },
);

function regions(eu: string[]): Config {
  const people = defineTable(
    "people",
    { id: column("bigint", { notNull: true }), region: column("text", { notNull: true }), name: column("text") },
    (t) => [t.primaryKey(["id", "region"]), t.index(["name"])],
    { partitionBy: { strategy: "list", keys: ["region"] } },
  );
  const europe = definePartition("people_eu", people, { in: eu }, undefined, {
    partitionBy: { strategy: "hash", keys: ["id"] },
  });
  const tokens = defineTable("tokens", { id: column("uuid", { notNull: true }), owner: column("bigint") }, undefined, {
    partitionBy: { strategy: "hash", keys: ["id"] },
  });
  return {
    tables: [
      people,
      europe,
      definePartition("people_eu_0", europe, { modulus: 2, remainder: 0 }),
      definePartition("people_eu_1", europe, { modulus: 2, remainder: 1 }),
      definePartition("people_us", people, { in: ["us"] }, (t) => [t.index([{ expression: "lower(name)" }])]),
      definePartition("people_rest", people, "DEFAULT", (t) => [t.check("region <> ''", { name: "region_named" })]),
      tokens,
      ...[0, 1, 2].map((r) => definePartition(`tokens_${r}`, tokens, { modulus: 3, remainder: r })),
    ],
  };
}

databaseTest(
  "list and hash partitions, a sub-partitioned partition, and partitions' own indexes and checks converge",
  async (database, dir) => {
    await converge(database, dir, regions(["fr", "de"]));
    await sql`insert into people values (1, 'fr', 'A'), (2, 'de', 'B'), (3, 'us', 'C'), (4, 'it', 'D')`.execute(
      database.db,
    );
    await sql`insert into tokens select gen_random_uuid(), g from generate_series(1, 30) g`.execute(database.db);
    const placed = await placement(database, "people");
    assert.deepEqual([placed[3], placed[4]], ["people_us", "people_rest"]);
    assert.match(placed[1], /^people_eu_[01]$/);
    const spread = await sql<{ n: number }>`select count(distinct tableoid)::int as n from tokens`.execute(database.db);
    assert.ok(spread.rows[0].n > 1, "hash partitions share the rows");

    // Italy moves out of the default partition: it must leave there before people_eu takes it.
    await sql`delete from people where region = 'it'`.execute(database.db);
    const moved = await converge(database, dir, regions(["fr", "de", "it"]));
    assert.deepEqual(kinds(moved), ["detach_partition people_eu", "attach_partition people_eu"]);
    await sql`insert into people values (5, 'it', 'E')`.execute(database.db);
    assert.match((await placement(database, "people"))[5], /^people_eu_[01]$/);
  },
);

async function pgDump(target: TestDatabase): Promise<string[]> {
  const out = await new Deno.Command("pg_dump", {
    args: ["--schema-only", "--no-owner", target.databaseUrl!],
    stdout: "piped",
  })
    .output();
  assert.ok(out.success, "pg_dump runs");
  return new TextDecoder().decode(out.stdout).split("\n")
    .filter((l) => l.trim() && !/^(--|SET |SELECT pg_catalog|\\)/.test(l))
    .sort();
}

const PARTITIONED_SQL = `
create table accounts (id int primary key);
create table orders (
  id bigint not null, placed date not null, account int references accounts, total numeric(10,2) default 0,
  primary key (id, placed), check (total >= 0)
) partition by range (placed);
create index orders_account_idx on orders (account);
create table orders_old partition of orders for values from (minvalue) to ('2024-01-01') with (fillfactor = 90);
create table orders_2024 partition of orders for values from ('2024-01-01') to ('2025-01-01') partition by hash (id);
create table orders_2024_a partition of orders_2024 for values with (modulus 2, remainder 0);
create table orders_2024_b partition of orders_2024 for values with (modulus 2, remainder 1);
create table orders_rest partition of orders default;
create index orders_rest_total on orders_rest (total);
alter table orders_rest add constraint rest_positive check (id > 0);
create table invoices (id int, order_id bigint, order_placed date,
  foreign key (order_id, order_placed) references orders (id, placed));
create table logs (at timestamptz not null, tag text collate "C", n int)
  partition by range (date_trunc('day', at at time zone 'UTC'), (n + 1), tag text_pattern_ops);
create table logs_all partition of logs for values from (minvalue, minvalue, minvalue) to (maxvalue, maxvalue, maxvalue);
create table kinds (k text, v int) partition by list (lower(k));
create table kinds_ab partition of kinds for values in ('a', 'b''s', null);
comment on table kinds_ab is 'two kinds';
`;

databaseTest("a partitioned schema pulls, applies to an empty database and re-plans empty", async (source, dir, d) => {
  for (const statement of statements(PARTITIONED_SQL)) await sql.raw(statement).execute(source.db);
  const pulled = await pullDatabase(source, ["public"]);
  assert.deepEqual(pulled.unsupported, [], "nothing left out");
  assert.ok(
    pulled.source.includes('definePartition("orders_2024_a", orders_2024, {\n  modulus: 2,\n  remainder: 0,\n})'),
    "a hash bound is written as { modulus, remainder }",
  );
  await Deno.writeTextFile(`${dir}/schema.ts`, pulled.source);
  await Deno.writeTextFile(
    `${dir}/kyrage.config.ts`,
    `import { defineConfig } from "kyrage";\nimport { tables } from "./schema.ts";\nexport default defineConfig({ tables });\n`,
  );
  const fmt = await new Deno.Command(Deno.execPath(), { args: ["fmt", "--check", `${dir}/schema.ts`], stderr: "piped" })
    .output();
  assert.ok(fmt.success, `deno fmt clean:\n${new TextDecoder().decode(fmt.stderr)}\n${pulled.source}`);
  const config = await loadConfig(`${dir}/kyrage.config.ts`);
  assert.deepEqual(await plan(source, config), [], "the pulled schema plans empty against its source");

  const e = await createTestDatabase(d.backend);
  const empty = await e.open();
  try {
    await generateAndApply(empty, config);
    assert.deepEqual(await plan(empty, config), []);
    const options = { schemas: ["public"], excludeTables: [HISTORY_QUALIFIED] };
    assert.deepEqual(await introspect(empty.db, options), await introspect(source.db, options), "same catalog");
    if (d.backend === "postgres") {
      await sql`drop table ${sql.table(HISTORY_QUALIFIED)}`.execute(empty.db);
      assert.deepEqual(await pgDump(e), await pgDump(d));
    }
  } finally {
    await empty.close();
    await e.dispose();
  }
});

databaseTest("a plain table made partitioned, or back, is refused with nothing written", async (database, dir) => {
  const plain = defineTable("visits", { id: column("int", { notNull: true }), at: column("date", { notNull: true }) });
  const partitioned = defineTable(
    "visits",
    { id: column("int", { notNull: true }), at: column("date", { notNull: true }) },
    undefined,
    {
      partitionBy: { strategy: "range", keys: ["at"] },
    },
  );
  const partitions = [definePartition("visits_all", "visits", "FOR VALUES FROM (MINVALUE) TO (MAXVALUE)")];
  await converge(database, dir, { tables: [plain] });
  await sql`insert into visits values (1, '2024-01-01')`.execute(database.db);
  const files = (await readMigrations(`${dir}/migrations`)).length;
  await assert.rejects(
    generateMigration(database, loaded({ tables: [partitioned, ...partitions] }, dir), { allowDestructive: true }),
    /table public\.visits is a plain table in the database but partitioned in the config \(PARTITION BY RANGE \(at\)\): PostgreSQL cannot partition an existing table.*Nothing was planned or written/,
  );
  assert.equal((await readMigrations(`${dir}/migrations`)).length, files, "no migration written");
  const rows = await sql<{ n: number }>`select count(*)::int as n from visits`.execute(database.db);
  assert.equal(rows.rows[0].n, 1, "the rows are still there");

  await sql`drop table visits`.execute(database.db);
  await converge(database, dir, { tables: [partitioned, ...partitions] });
  await assert.rejects(
    generateMigration(database, loaded({ tables: [plain] }, dir), { allowDestructive: true }),
    /table public\.visits is partitioned in the database \(PARTITION BY RANGE \(at\)\) but not in the config/,
  );
});

/**
 * Partitioning the config cannot have: refused when the config loads, with
 * the entry and the reason, instead of failing halfway through a migration.
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/load.ts";
import { column, type Config, definePartition, defineTable, type TableDefinition } from "../../src/mod.ts";

const events = (options: Parameters<typeof defineTable>[3] = {}, constraints?: Parameters<typeof defineTable>[2]) =>
  defineTable(
    "events",
    { id: column("int"), at: column("date"), tag: column("text") },
    constraints,
    { partitionBy: { strategy: "range", keys: ["at"] }, ...options },
  );

const refused = (tables: TableDefinition[], message: RegExp) => () =>
  assert.throws(() => validateConfig({ tables } satisfies Config, "/test/kyrage.config.ts"), message);

const CASES: [string, () => void][] = [
  [
    "a partition of a table not in the config",
    refused(
      [definePartition("p", "events", "DEFAULT")],
      /tables\[0\]\.partitionOf\.table(?: \(table "\w+"\))?: .*"events", which is not/,
    ),
  ],
  [
    "a partition of a table that is not partitioned",
    refused(
      [defineTable("events", { id: column("int") }), definePartition("p", "events", "DEFAULT")],
      /tables\[1\]\.partitionOf(?: \(table "\w+"\))?: .*public\.events, which is not partitioned; give it partitionBy/,
    ),
  ],
  [
    "a list bound on a range-partitioned table",
    refused(
      [events(), definePartition("p", "events", { in: ["2024-01-01"] })],
      /partitioned by range, which takes FOR VALUES FROM/,
    ),
  ],
  [
    "a default partition of a hash-partitioned table",
    refused(
      [
        defineTable("h", { id: column("int") }, undefined, { partitionBy: { strategy: "hash", keys: ["id"] } }),
        definePartition("p", "h", "DEFAULT"),
      ],
      /has no default partition/,
    ),
  ],
  [
    "a hash remainder not below its modulus",
    refused(
      [
        defineTable("h", { id: column("int") }, undefined, { partitionBy: { strategy: "hash", keys: ["id"] } }),
        definePartition("p", "h", { modulus: 2, remainder: 2 }),
      ],
      /remainder \(2\) must be less than the modulus/,
    ),
  ],
  [
    "an unreadable bound",
    refused([events(), definePartition("p", "events", "FROM 1 TO 2")], /cannot read the partition bound/),
  ],
  [
    "a primary key without the partition key column",
    refused(
      [events({}, (t) => [t.primaryKey(["id"])])],
      /primary key events_pkey \(id\) does not include every partition key column \(at\)/,
    ),
  ],
  [
    "storage parameters on a partitioned table",
    refused([events({ with: { fillfactor: 70 } })], /no storage parameters/),
  ],
  [
    "a concurrent index on a partitioned table",
    refused(
      [events({}, (t) => [t.index(["tag"], { concurrently: true })])],
      /cannot build its index events_tag_idx concurrently/,
    ),
  ],
  [
    "a partition key on a column the table does not have",
    refused(
      [defineTable("e", { id: column("int") }, undefined, { partitionBy: { strategy: "range", keys: ["at"] } })],
      /partitionBy\.keys\[0\](?: \(table "\w+"\))?: column "at" is not a column of table "e"/,
    ),
  ],
  [
    "list partitioning by two keys",
    refused(
      [defineTable("e", { a: column("int"), b: column("int") }, undefined, {
        partitionBy: { strategy: "list", keys: ["a", "b"] },
      })],
      /list partitioning takes exactly one key/,
    ),
  ],
  [
    "a partition that declares columns",
    refused(
      [events(), { ...definePartition("p", "events", "DEFAULT"), columns: { x: column("int") } }],
      /tables\[1\]\.columns(?: \(table "\w+"\))?: partition "p" declares columns/,
    ),
  ],
  [
    "a partition's index on a column its parent does not have",
    refused(
      [events(), definePartition("p", "events", "DEFAULT", (t) => [t.index(["nope"])])],
      /column "nope" is not a column of table "p"/,
    ),
  ],
];

for (const [name, test] of CASES) Deno.test(`partition config: refuses ${name}`, test);

Deno.test("partition config: a partition has its parent's columns, for its own keys and expressions", () => {
  const { desired } = validateConfig(
    { tables: [events(), definePartition("p", "events", "DEFAULT", (t) => [t.index(["tag"]), t.check("id > 0")])] },
    "/test/kyrage.config.ts",
  );
  const p = desired.tables.find((t) => t.name === "p")!;
  assert.deepEqual(p.columns.map((c) => c.name), ["id", "at", "tag"]);
  assert.deepEqual(p.partitionOf, { schema: "public", table: "events", bound: "DEFAULT" });
  assert.deepEqual(p.indexes.map((i) => i.name), ["p_tag_idx"]);
  assert.deepEqual(p.checks.map((c) => c.name), ["p_id_check"]);
});

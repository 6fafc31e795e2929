/** The differ as data for user types (composite, range) and partitions; see diff_test.ts. */
import {
  column,
  defineCompositeType,
  defineEnum,
  definePartition,
  defineRangeType,
  defineTable,
} from "../../src/mod.ts";
import { type Case, diffCases } from "../support/diff_cases.ts";

const users = (columns: Parameters<typeof defineTable>[1] = {}, constraints?: Parameters<typeof defineTable>[2]) =>
  defineTable("users", { id: column("int", { primaryKey: true }), ...columns }, constraints);

const inner = (attributes: Parameters<typeof defineCompositeType>[1] = { x: "float8", y: "float8" }) =>
  defineCompositeType("c_inner", attributes);
const span = (options: Partial<Parameters<typeof defineRangeType>[1]> = {}) =>
  defineRangeType("b_span", { subtype: "float8", ...options });
const shapes = (type: Parameters<typeof column>[0]) => defineTable("shapes", { id: column("int"), s: column(type) });

/** A range-partitioned table named so that name order would put its partitions first. */
const zEvents = (columns: Parameters<typeof defineTable>[1] = {}, constraints?: Parameters<typeof defineTable>[2]) =>
  defineTable(
    "z_events",
    { id: column("int", { notNull: true }), at: column("date", { notNull: true }), ...columns },
    constraints,
    { partitionBy: { strategy: "range", keys: ["at"] } },
  );
const a2024 = (bound: Parameters<typeof definePartition>[2] = { from: ["2024-01-01"], to: ["2025-01-01"] }) =>
  definePartition("a_2024", "z_events", bound);

const CASES: Case[] = [
  {
    name: "user types: created before the table, each after the types it uses (not by name)",
    current: { tables: [] },
    desired: {
      tables: [shapes(defineCompositeType("a_outer", { inner: inner(), span: span(), m: defineEnum("mood", ["a"]) }))],
    },
    expected: [
      "create_enum public mood",
      "create_range_type public b_span",
      "create_composite_type public c_inner",
      "create_composite_type public a_outer",
      "create_table public shapes",
    ],
  },
  {
    name: "user types: an array column of a composite needs the type listed in types",
    current: { tables: [] },
    desired: { tables: [defineTable("t", { ps: column("c_inner[]") })], types: [inner()] },
    expected: ["create_composite_type public c_inner", "create_table public t"],
  },
  {
    name: "composite types: attributes dropped, retyped and appended in place, one ALTER TYPE",
    current: { tables: [shapes(inner({ x: "float8", y: "float8", z: "float8" }))] },
    desired: { tables: [shapes(inner({ x: "float8", z: "numeric", w: "text", v: "int" }))] },
    expected: ["alter_composite_type public c_inner drop:y alter:z add:w,v"],
  },
  {
    name: "composite types: an attribute's collation is part of it",
    current: { tables: [shapes(inner({ t: "text" }))] },
    desired: { tables: [shapes(inner({ t: { type: "text", collation: "C" } }))] },
    expected: ["alter_composite_type public c_inner alter:t"],
  },
  {
    name: "composite types: attributes reordered (or added before others) rebuild the type",
    current: { tables: [shapes(inner({ x: "float8", y: "float8" }))] },
    desired: { tables: [shapes(inner({ y: "float8", x: "float8" }))] },
    expected: ["recreate_composite_type public c_inner x,y->y,x"],
  },
  {
    name: "composite types: the same attributes in another spelling are no change",
    current: { tables: [shapes(inner({ x: "float8", n: "int", s: "varchar(10)" }))] },
    desired: { tables: [shapes(inner({ x: "double precision", n: "integer", s: "character varying(10)" }))] },
    expected: [],
  },
  {
    name: "user types: dropped after the columns that used them, users before the types they use",
    current: {
      tables: [shapes(defineCompositeType("z_outer", { inner: inner(), span: span(), m: defineEnum("mood", ["a"]) }))],
    },
    desired: { tables: [defineTable("shapes", { id: column("int") })] },
    expected: [
      "drop_column public shapes s",
      "drop_composite_type public z_outer",
      "drop_range_type public b_span",
      "drop_composite_type public c_inner",
      "drop_enum public mood",
    ],
  },
  {
    name: "range types: a changed definition rebuilds the type",
    current: { tables: [shapes(span())] },
    desired: { tables: [shapes(span({ subtype: "numeric" }))] },
    expected: ["recreate_range_type public b_span double precision->numeric"],
  },
  {
    name: "range types: options equal to PostgreSQL's defaults, or spelled another way, are no change",
    current: { tables: [shapes(span({ subtypeDiff: "float8mi" }))] },
    desired: {
      tables: [
        shapes(
          span({
            subtype: "double precision",
            multirangeTypeName: "b_span_multirange",
            subtypeDiff: "pg_catalog.FLOAT8MI",
          }),
        ),
      ],
    },
    expected: [],
  },
  {
    name: "range types: a multirange name derived from the range's",
    current: { tables: [] },
    desired: { tables: [defineTable("t", { r: column(defineRangeType("floatrange", { subtype: "float8" })) })] },
    expected: ["create_range_type public floatrange", "create_table public t"],
  },
  {
    name: "range types: a type in another schema, used by a column",
    current: { tables: [] },
    desired: {
      tables: [defineTable("t", { r: column(defineRangeType("billing.money_range", { subtype: "numeric" })) })],
    },
    expected: ["create_schema billing", "create_range_type billing money_range", "create_table public t"],
  },
  {
    name: "partitions: created after their parent, sub-partitions after theirs, whatever their names",
    current: { tables: [] },
    desired: {
      tables: [
        zEvents(),
        definePartition("b_2025", "z_events", "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')", undefined, {
          partitionBy: { strategy: "hash", keys: ["id"] },
        }),
        definePartition("a_2025_0", "b_2025", { modulus: 2, remainder: 0 }),
        definePartition("a_2025_1", "b_2025", { modulus: 2, remainder: 1 }),
        definePartition("a_default", "z_events", "DEFAULT"),
      ],
    },
    expected: [
      "create_table public z_events",
      "create_table public a_default",
      "create_table public b_2025",
      "create_table public a_2025_0",
      "create_table public a_2025_1",
    ],
  },
  {
    name: "partitions: dropped before their parent",
    current: { tables: [users(), zEvents(), a2024(), definePartition("a_default", "z_events", "DEFAULT")] },
    desired: { tables: [users()] },
    expected: ["drop_table public a_2024", "drop_table public a_default", "drop_table public z_events"],
  },
  {
    name: "partitions: a changed bound detaches the partition and attaches it again",
    current: { tables: [zEvents(), a2024()] },
    desired: { tables: [zEvents(), a2024("FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')")] },
    expected: ["detach_partition public a_2024", "attach_partition public a_2024"],
  },
  {
    name: "partitions: the same bound written another way is no change",
    current: { tables: [zEvents(), a2024()] },
    desired: { tables: [zEvents(), a2024("for values  from ('2024-01-01') to ('2025-01-01')")] },
    expected: [],
  },
  {
    name: "partitions: a column, key and index added to the parent are planned on the parent only",
    current: { tables: [zEvents(), a2024()] },
    desired: {
      tables: [zEvents({ kind: column("text") }, (t) => [t.primaryKey(["id", "at"]), t.index(["kind"])]), a2024()],
    },
    expected: [
      "add_column public z_events kind",
      "add_primary_key public z_events z_events_pkey",
      "create_index public z_events z_events_kind_idx",
    ],
  },
  {
    name: "partitions: a partition's own index and check are its own",
    current: { tables: [zEvents(), a2024()] },
    desired: {
      tables: [
        zEvents(),
        definePartition("a_2024", "z_events", { from: ["2024-01-01"], to: ["2025-01-01"] }, (t) => [
          t.index(["id"]),
          t.check("id > 0"),
        ]),
      ],
    },
    expected: ["add_check public a_2024 a_2024_id_check", "create_index public a_2024 a_2024_id_idx"],
  },
];

diffCases(CASES);

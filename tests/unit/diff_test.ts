/**
 * The differ as data: current schema, desired schema, expected operations
 * (by kind and target). Models come from the DSL, the same normal form
 * introspection produces.
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/load.ts";
import { diffSchemas } from "../../src/diff/diff.ts";
import type { Operation } from "../../src/diff/operations.ts";
import {
  column,
  type Config,
  defineCompositeType,
  defineEnum,
  definePartition,
  defineRangeType,
  defineTable,
} from "../../src/mod.ts";
import type { SchemaModel } from "../../src/model/types.ts";

const model = (config: Config): SchemaModel => validateConfig(config, "/test/kyrage.config.ts").desired;

/** A rename's or rebuild's side: attribute names, a range's subtype, or the value itself. */
const label = (v: unknown): string =>
  Array.isArray(v)
    ? v.map(label).join(",")
    : v && typeof v === "object"
    ? String((v as { name?: string }).name ?? (v as { subtype?: string }).subtype)
    : String(v);

/** `kind target` per operation, e.g. `add_column public.users.age`. */
function summary(op: Operation): string {
  const parts: string[] = [op.kind, "schema" in op ? op.schema : ""];
  if ("table" in op) parts.push(op.table);
  if (op.kind === "add_column" || op.kind === "drop_column") parts.push(op.column.name);
  if (op.kind === "alter_column") parts.push(op.column, Object.keys(op.changes).join("+"));
  if ("name" in op) parts.push(op.name);
  if (op.kind === "add_enum_value") parts.push(`${op.value}<${op.before ?? "end"}`);
  if ("from" in op) parts.push(`${label(op.from)}->${label(op.to)}`);
  if (op.kind === "alter_composite_type") {
    parts.push(
      Object.entries(op.changes).map(([k, list]) =>
        `${k}:${list.map((a: { name?: string; to?: { name: string } }) => a.name ?? a.to!.name).join(",")}`
      ).join(" "),
    );
  }
  for (const key of ["primaryKey", "unique", "foreignKey", "check", "index"] as const) {
    if (key in op) parts.push((op as unknown as Record<string, { name: string }>)[key].name);
  }
  return parts.join(" ");
}

const users = (columns: Parameters<typeof defineTable>[1] = {}, constraints?: Parameters<typeof defineTable>[2]) =>
  defineTable("users", { id: column("int", { primaryKey: true }), ...columns }, constraints);

interface Case {
  name: string;
  current: Config;
  desired: Config;
  expected: string[];
}

const moodTable = (values: string[]) =>
  defineTable("people", { id: column("int"), mood: column(defineEnum("mood", values)) });

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
    name: "enums: a new enum is created before the table that uses it",
    current: { tables: [] },
    desired: { tables: [moodTable(["sad", "ok"])] },
    expected: ["create_enum public mood", "create_table public people"],
  },
  {
    name: "enums: new labels are added in place, at their declared position",
    current: { tables: [moodTable(["sad", "happy"])] },
    desired: { tables: [moodTable(["sad", "ok", "happy", "ecstatic"])] },
    expected: ["add_enum_value public mood ok<happy", "add_enum_value public mood ecstatic<end"],
  },
  {
    name: "enums: removing or reordering labels rebuilds the type",
    current: { tables: [moodTable(["sad", "ok", "happy"])] },
    desired: { tables: [moodTable(["happy", "sad"])] },
    expected: ["recreate_enum public mood sad,ok,happy->happy,sad"],
  },
  {
    name: "enums: an enum no column uses any more is dropped after the column",
    current: { tables: [moodTable(["sad"])] },
    desired: { tables: [defineTable("people", { id: column("int") })] },
    expected: ["drop_column public people mood", "drop_enum public mood"],
  },
  {
    name: "checks: compared by normal form, added and dropped by name",
    current: {
      tables: [
        defineTable(
          "p",
          { price: column("int") },
          (t) => [t.check("price > 0"), t.check("price < 100", { name: "cap" })],
        ),
      ],
    },
    desired: {
      tables: [
        defineTable(
          "p",
          { price: column("int") },
          (t) => [t.check("(PRICE>0)"), t.check("price < 1000", { name: "cap" })],
        ),
      ],
    },
    expected: ["drop_check public p cap", "add_check public p cap"],
  },
  {
    name: "comments on tables and columns",
    current: { tables: [defineTable("c", { a: column("int", { comment: "old" }) }, undefined, { comment: "t" })] },
    desired: { tables: [defineTable("c", { a: column("int") }, undefined, { comment: "table" })] },
    expected: ["alter_column public c a comment", "set_table_comment public c"],
  },
  {
    name: "identity: added, and switched between always and by default",
    current: {
      tables: [defineTable("i", { a: column("int", { notNull: true }), b: column("int", { identity: "always" }) })],
    },
    desired: {
      tables: [
        defineTable("i", {
          a: column("int", { identity: "by default" }),
          b: column("int", { identity: "by default" }),
        }),
      ],
    },
    expected: ["alter_column public i a identity", "alter_column public i b identity"],
  },
  {
    name: "generated columns: a changed expression rebuilds the column",
    current: { tables: [defineTable("g", { a: column("int"), twice: column("int", { generatedAs: "a * 2" }) })] },
    desired: { tables: [defineTable("g", { a: column("int"), twice: column("int", { generatedAs: "a * 3" }) })] },
    expected: ["drop_column public g twice", "add_column public g twice"],
  },
  {
    name: "identical schemas give nothing",
    current: { tables: [users({ email: column("text") })] },
    desired: { tables: [users({ email: column("text") })] },
    expected: [],
  },
  {
    name: "type aliases are equal (int = integer, bool = boolean, numeric(10, 2) = numeric(10,2))",
    current: { tables: [users({ a: column("integer"), b: column("boolean"), c: column("numeric(10,2)") })] },
    desired: { tables: [users({ a: column("int4"), b: column("bool"), c: column("decimal(10, 2)") })] },
    expected: [],
  },
  {
    name: "a new table, with its index and foreign key after it",
    current: { tables: [users()] },
    desired: {
      tables: [
        users(),
        defineTable("posts", { id: column("int", { primaryKey: true }), user_id: column("int") }, (t) => [
          t.index(["user_id"]),
          t.reference(["user_id"], "users", ["id"]),
        ]),
      ],
    },
    expected: [
      "create_table public posts posts_pkey",
      "create_index public posts posts_user_id_idx",
      "add_foreign_key public posts posts_user_id_fkey",
    ],
  },
  {
    name: "add, drop and alter columns",
    current: { tables: [users({ old: column("text"), age: column("int"), name: column("text") })] },
    desired: {
      tables: [users({ age: column("bigint", { notNull: true }), name: column("text"), email: column("text") })],
    },
    expected: [
      "drop_column public users old",
      "add_column public users email",
      "alter_column public users age type+notNull",
    ],
  },
  {
    name: "default added, changed and dropped",
    current: {
      tables: [
        users({ a: column("int"), b: column("int", { defaultSql: "1" }), c: column("int", { defaultSql: "2" }) }),
      ],
    },
    desired: {
      tables: [
        users({ a: column("int", { defaultSql: "0" }), b: column("int", { defaultSql: "3" }), c: column("int") }),
      ],
    },
    expected: [
      "alter_column public users a default",
      "alter_column public users b default",
      "alter_column public users c default",
    ],
  },
  {
    name: "a column rename hint renames instead of drop + add, and is harmless once applied",
    current: { tables: [users({ fullname: column("text") })] },
    desired: { tables: [users({ name: column("text", { renamedFrom: "fullname" }) })] },
    expected: ["rename_column public users fullname->name"],
  },
  {
    name: "a table rename hint renames the table and its primary key",
    current: { tables: [defineTable("people", { id: column("int", { primaryKey: true }) })] },
    desired: {
      tables: [defineTable("users", { id: column("int", { primaryKey: true }) }, undefined, { renamedFrom: "people" })],
    },
    expected: ["rename_table public people->users", "rename_constraint public users people_pkey->users_pkey"],
  },
  {
    name: "rename hints are harmless once applied",
    current: { tables: [defineTable("users", { id: column("int", { primaryKey: true }), name: column("text") })] },
    desired: {
      tables: [
        defineTable(
          "users",
          { id: column("int", { primaryKey: true }), name: column("text", { renamedFrom: "fullname" }) },
          undefined,
          {
            renamedFrom: "people",
          },
        ),
      ],
    },
    expected: [],
  },
  {
    name: "a foreign key without actions equals the database's NO ACTION",
    current: {
      tables: [
        users(),
        defineTable("p", { u: column("int") }, (t) => [t.reference(["u"], "users", ["id"], { onDelete: "no action" })]),
      ],
    },
    desired: {
      tables: [users(), defineTable("p", { u: column("int") }, (t) => [t.reference(["u"], "users", ["id"])])],
    },
    expected: [],
  },
  {
    name: "a changed foreign key is dropped before it is added back",
    current: {
      tables: [users(), defineTable("p", { u: column("int") }, (t) => [t.reference(["u"], "users", ["id"])])],
    },
    desired: {
      tables: [
        users(),
        defineTable("p", { u: column("int") }, (t) => [t.reference(["u"], "users", ["id"], { onDelete: "cascade" })]),
      ],
    },
    expected: ["drop_foreign_key public p p_u_fkey", "add_foreign_key public p p_u_fkey"],
  },
  {
    name: "an index with the same definition under another name is renamed",
    current: { tables: [users({ e: column("text") }, (t) => [t.index(["e"], { name: "by_email" })])] },
    desired: { tables: [users({ e: column("text") }, (t) => [t.index(["e"])])] },
    expected: ["rename_index public users by_email->users_e_idx"],
  },
  {
    name: "a primary key that a foreign key depends on: drop the foreign key first, add it back last",
    current: {
      tables: [
        users({ k: column("int") }),
        defineTable("p", { u: column("int") }, (t) => [t.reference(["u"], "users", ["id"])]),
      ],
    },
    desired: {
      tables: [
        defineTable(
          "users",
          { id: column("int", { primaryKey: true, unique: true }), k: column("int", { primaryKey: true }) },
        ),
        defineTable("p", { u: column("int") }, (t) => [t.reference(["u"], "users", ["id"])]),
      ],
    },
    expected: [
      "drop_foreign_key public p p_u_fkey",
      "drop_primary_key public users users_pkey",
      "alter_column public users k notNull",
      "add_primary_key public users users_pkey",
      "add_unique public users users_id_key",
      "add_foreign_key public p p_u_fkey",
    ],
  },
  {
    name: "dropping tables in a foreign key cycle drops the foreign keys first",
    current: {
      tables: [
        defineTable(
          "a",
          { id: column("int", { primaryKey: true }), b: column("int") },
          (t) => [t.reference(["b"], "b", ["id"])],
        ),
        defineTable(
          "b",
          { id: column("int", { primaryKey: true }), a: column("int") },
          (t) => [t.reference(["a"], "a", ["id"])],
        ),
        users(),
      ],
    },
    desired: { tables: [users()] },
    expected: [
      "drop_foreign_key public a a_b_fkey",
      "drop_foreign_key public b b_a_fkey",
      "drop_table public a",
      "drop_table public b",
    ],
  },
  {
    name: "serial columns equal their introspected form; no default change",
    current: { tables: [defineTable("t", { id: column("serial", { primaryKey: true }) })] },
    desired: { tables: [defineTable("t", { id: column("serial4", { primaryKey: true }) })] },
    expected: [],
  },
  {
    name: "a table in a new schema creates the schema first",
    current: { tables: [users()] },
    desired: { tables: [users(), defineTable("billing.invoices", { id: column("int") })] },
    expected: ["create_schema billing", "create_table billing invoices"],
  },
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

for (const c of CASES) {
  Deno.test(`diff: ${c.name}`, () => {
    const ops = diffSchemas(model(c.current), model(c.desired));
    assert.deepEqual(ops.map(summary), c.expected);
  });
}

Deno.test("diff: output is deterministic whatever the input order", () => {
  const a = defineTable("a", { id: column("int") }, (t) => [t.index(["id"])]);
  const b = defineTable("b", { id: column("int") }, (t) => [t.index(["id"])]);
  const one = diffSchemas(model({ tables: [] }), model({ tables: [a, b] }));
  const two = diffSchemas(model({ tables: [] }), model({ tables: [b, a] }));
  assert.equal(JSON.stringify(one), JSON.stringify(two));
});

/**
 * The differ as data (tables, columns, constraints, enums): current schema,
 * desired schema, expected operations. User types and partitions are in
 * diff_types_test.ts.
 */
import assert from "node:assert/strict";
import { diffSchemas } from "../../src/diff/diff.ts";
import { column, defineEnum, defineTable } from "../../src/mod.ts";
import { type Case, diffCases, model } from "../support/diff_cases.ts";

const users = (columns: Parameters<typeof defineTable>[1] = {}, constraints?: Parameters<typeof defineTable>[2]) =>
  defineTable("users", { id: column("int", { primaryKey: true }), ...columns }, constraints);

const moodTable = (values: string[]) =>
  defineTable("people", { id: column("int"), mood: column(defineEnum("mood", values)) });

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
    // The NOT NULL constraint PostgreSQL 18 names after the table follows it (where there is one).
    expected: [
      "rename_table public people->users",
      "rename_not_null public users people_id_not_null->users_id_not_null",
      "rename_constraint public users people_pkey->users_pkey",
    ],
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
    name: "renaming a referenced column keeps the foreign keys pointing at it (PostgreSQL follows the rename)",
    current: {
      tables: [
        defineTable("parent", { code: column("text", { unique: true }) }),
        defineTable("child", { c: column("text") }, (t) => [t.reference(["c"], "parent", ["code"])]),
      ],
    },
    desired: {
      tables: [
        defineTable("parent", { kode: column("text", { unique: true, renamedFrom: "code" }) }),
        defineTable("child", { c: column("text") }, (t) => [t.reference(["c"], "parent", ["kode"])]),
      ],
    },
    expected: [
      "rename_column public parent code->kode",
      "rename_constraint public parent parent_code_key->parent_kode_key",
    ],
  },
  {
    name: "renaming a referenced table keeps the foreign keys pointing at it",
    current: {
      tables: [
        defineTable("people", { id: column("int", { primaryKey: true }) }),
        defineTable(
          "child",
          { p: column("int") },
          (t) => [t.reference(["p"], "people", ["id"], { name: "child_p_fkey" })],
        ),
      ],
    },
    desired: {
      tables: [
        defineTable("users", { id: column("int", { primaryKey: true }) }, undefined, { renamedFrom: "people" }),
        defineTable(
          "child",
          { p: column("int") },
          (t) => [t.reference(["p"], "users", ["id"], { name: "child_p_fkey" })],
        ),
      ],
    },
    // The NOT NULL constraint PostgreSQL 18 names after the table follows it (where there is one).
    expected: [
      "rename_table public people->users",
      "rename_not_null public users people_id_not_null->users_id_not_null",
      "rename_constraint public users people_pkey->users_pkey",
    ],
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
];

diffCases(CASES);

Deno.test("diff: output is deterministic whatever the input order", () => {
  const a = defineTable("a", { id: column("int") }, (t) => [t.index(["id"])]);
  const b = defineTable("b", { id: column("int") }, (t) => [t.index(["id"])]);
  const one = diffSchemas(model({ tables: [] }), model({ tables: [a, b] }));
  const two = diffSchemas(model({ tables: [] }), model({ tables: [b, a] }));
  assert.equal(JSON.stringify(one), JSON.stringify(two));
});

Deno.test("diff: a NOT NULL held by a constraint kyrage does not manage is left as it is", () => {
  const held = model({ tables: [users({ v: column("int", { notNull: true }), w: column("int", { notNull: true }) })] });
  const actual = { ...held, tables: held.tables.map((t) => ({ ...t, unmanagedNotNull: ["v"] })) };
  const ops = diffSchemas(actual, model({ tables: [users({ v: column("int"), w: column("int") })] }));
  assert.deepEqual(ops.map((op) => op.kind === "alter_column" && op.column), ["w"]);
});

/** The differ renames what PostgreSQL named after a renamed table or column (diff/derived_names.ts). */
import assert from "node:assert/strict";
import { compileOperation } from "../../src/dialect/postgres/compile.ts";
import { diffSchemas } from "../../src/diff/diff.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { column, defineSequence, defineTable } from "../../src/mod.ts";
import { isSequenceNameOf, sequenceName } from "../../src/model/names.ts";
import type { SchemaModel } from "../../src/model/schema_model.ts";
import type { ColumnSequence } from "../../src/model/types.ts";
import { model } from "../support/diff_cases.ts";

const orders = (name: string, hint?: string) =>
  defineTable(
    name,
    {
      id: column("serial", { primaryKey: true }),
      number: column("bigint", { identity: "by default" }),
      note: column("text"),
    },
    undefined,
    hint ? { renamedFrom: hint } : undefined,
  );

/** `actual` as introspection reads it when the named columns' sequences have other names. */
const withSequences = (actual: SchemaModel, table: string, sequences: ColumnSequence[]): SchemaModel => ({
  ...actual,
  tables: actual.tables.map((t) => (t.name === table ? { ...t, columnSequences: sequences } : t)),
});

const renames = (ops: readonly Operation[]) =>
  ops.flatMap((op) =>
    op.kind === "rename_sequence" || op.kind === "rename_not_null" ? [`${op.kind} ${op.from}->${op.to}`] : []
  );

Deno.test("derived names: a table rename renames its column sequences and NOT NULL constraints", () => {
  const ops = diffSchemas(model({ tables: [orders("orders")] }), model({ tables: [orders("purchases", "orders")] }));
  assert.deepEqual(renames(ops), [
    "rename_not_null orders_id_not_null->purchases_id_not_null",
    "rename_sequence orders_id_seq->purchases_id_seq",
    "rename_not_null orders_number_not_null->purchases_number_not_null",
    "rename_sequence orders_number_seq->purchases_number_seq",
  ]);
});

Deno.test("derived names: a column rename renames its sequence; others are left", () => {
  const desired = defineTable("orders", {
    order_id: column("serial", { primaryKey: true, renamedFrom: "id" }),
    number: column("bigint", { identity: "by default" }),
    note: column("text"),
  });
  const ops = diffSchemas(model({ tables: [orders("orders")] }), model({ tables: [desired] }));
  assert.deepEqual(renames(ops), [
    "rename_not_null orders_id_not_null->orders_order_id_not_null",
    "rename_sequence orders_id_seq->orders_order_id_seq",
  ]);
});

Deno.test("derived names: a taken name gets seq1, a numbered name is kept, any other name is renamed", () => {
  const taken = diffSchemas(
    model({ tables: [orders("orders")] }),
    model({ tables: [orders("purchases", "orders")], sequences: [defineSequence("purchases_id_seq")] }),
  );
  assert.ok(renames(taken).includes("rename_sequence orders_id_seq->purchases_id_seq1"), renames(taken).join("\n"));
  const actual = withSequences(model({ tables: [orders("orders")] }), "orders", [
    { column: "id", schema: "public", name: "orders_id_seq2" },
    { column: "number", schema: "public", name: "numbers" },
  ]);
  const ops = diffSchemas(actual, model({ tables: [orders("orders")] }));
  assert.deepEqual(renames(ops), ["rename_sequence numbers->orders_number_seq"]);
  // Once renamed, the plan is empty: no back and forth.
  const after = withSequences(actual, "orders", [{ column: "id", schema: "public", name: "orders_id_seq2" }]);
  assert.deepEqual(diffSchemas(after, model({ tables: [orders("orders")] })), []);
  // A sequence in another schema than its table is left (NOT MANAGED names it).
  const elsewhere = withSequences(actual, "orders", [{ column: "number", schema: "other", name: "numbers" }]);
  assert.deepEqual(diffSchemas(elsewhere, model({ tables: [orders("orders")] })), []);
});

Deno.test("derived names: sequence names truncate as PostgreSQL's makeObjectName, numbered on collision", () => {
  const long = "t".repeat(63);
  assert.equal(sequenceName(long, "id"), `${"t".repeat(56)}_id_seq`);
  assert.equal(sequenceName(long, "id", 1), `${"t".repeat(55)}_id_seq1`);
  assert.ok(isSequenceNameOf(`${"t".repeat(55)}_id_seq1`, long, "id"));
  assert.ok(!isSequenceNameOf(`${"t".repeat(56)}_id_seq1`, long, "id"));
  assert.ok(!isSequenceNameOf("orders_id_seq01", "orders", "id"));
  assert.ok(isSequenceNameOf("orders_id_seq12", "orders", "id"));
});

Deno.test("derived names: compiled SQL quotes every name; the NOT NULL rename only where the server has one", () => {
  const on = { schema: 'S"1', table: 'Pur"chases' };
  assert.deepEqual(
    compileOperation({ kind: "rename_sequence", ...on, from: 'Or"ders_id_seq', to: 'Pur"chases_id_seq' }),
    [
      `ALTER SEQUENCE "S""1"."Or""ders_id_seq" RENAME TO "Pur""chases_id_seq"`,
    ],
  );
  const [block] = compileOperation({
    kind: "rename_not_null",
    ...on,
    column: "id",
    from: "o'id_not_null",
    to: "p'id_not_null",
  });
  assert.match(block, /conrelid = '"S""1"\."Pur""chases"'::regclass AND contype = 'n' AND conname = 'o''id_not_null'/);
  assert.match(block, /connamespace = '"S""1"'::regnamespace AND conname = 'p''id_not_null'/);
  assert.match(block, /ALTER TABLE "S""1"\."Pur""chases" RENAME CONSTRAINT "o'id_not_null" TO "p'id_not_null"; END IF/);
});

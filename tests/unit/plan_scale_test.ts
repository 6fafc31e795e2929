/**
 * The whole-plan helpers look things up by table instead of scanning every
 * operation per item (linear at 10,000 tables); these pin down that the
 * lookups find exactly what the scans found, on many tables at once.
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/load.ts";
import { diffSchemas } from "../../src/diff/diff.ts";
import { possibleRenames } from "../../src/diff/hints.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { column, defineTable } from "../../src/mod.ts";

const model = (tables: ReturnType<typeof defineTable>[]) =>
  validateConfig({ tables }, "/scale/kyrage.config.ts").desired;

Deno.test("possible renames are found per table and type, the first added column of that type winning", () => {
  const on = (table: string) => ({ schema: "public", table });
  const ops: Operation[] = [];
  for (let i = 0; i < 300; i++) {
    const t = `t${i}`;
    ops.push(
      { kind: "drop_column", ...on(t), column: { name: "old", type: "text", notNull: false } },
      { kind: "add_column", ...on(t), column: { name: "other_type", type: "integer", notNull: false } },
      { kind: "add_column", ...on(t), column: { name: "new", type: "text", notNull: false } },
      { kind: "add_column", ...on(t), column: { name: "newer", type: "text", notNull: false } },
    );
  }
  // A drop whose table gains no column of its type is no rename.
  ops.push({ kind: "drop_column", ...on("t0"), column: { name: "gone", type: "bigint", notNull: false } });
  const found = possibleRenames(ops);
  assert.equal(found.length, 300);
  assert.deepEqual(found[7], { schema: "public", table: "t7", from: "old", to: "new" });
  assert.ok(found.every((r) => r.from === "old" && r.to === "new"));
});

Deno.test("foreign keys on keys dropped in many tables are dropped and added back, and only those", () => {
  const tables = () =>
    Array.from({ length: 200 }, (_, i) =>
      defineTable(`t${i}`, {
        id: column("integer", { primaryKey: true }),
        code: column("text", { notNull: true }),
        parent_code: column("text"),
      }, (t) => [
        t.unique(["code"]),
        ...(i > 0 ? [t.reference(["parent_code"], `t${i - 1}`, ["code"])] : []),
      ]));
  // Dropping the unique key of every even table would orphan the foreign keys pointing at it.
  const before = model(tables());
  const even = (name: string) => Number(name.slice(1)) % 2 === 0;
  const after = { ...before, tables: before.tables.map((t) => even(t.name) ? { ...t, uniques: [] } : t) };
  const ops = diffSchemas(before, after);
  const rebuilt = ops.filter((op) => op.kind === "add_foreign_key").map((op) => "table" in op && op.table).sort();
  const expected = Array.from({ length: 100 }, (_, k) => `t${2 * k + 1}`).sort();
  assert.deepEqual(rebuilt, expected, "the foreign keys of the tables after each even one");
  assert.equal(ops.filter((op) => op.kind === "drop_unique").length, 100);
});

/**
 * Online plans in order: a key attached USING INDEX comes after its index's
 * concurrent build and its columns' SET NOT NULL, foreign keys (and their
 * validations) after the keys; `plan`'s order and `generate`'s files agree.
 * A key attached to a still nullable column scans the table (hazards).
 */
import assert from "node:assert/strict";
import { diffSchemas } from "../../src/diff/diff.ts";
import { heldLock, planHazards } from "../../src/diff/hazards.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { migrationBoundaries } from "../../src/migrations/boundaries.ts";
import { column, defineTable } from "../../src/mod.ts";
import { model } from "../support/diff_cases.ts";

const accounts = (after: boolean) =>
  defineTable("accounts", {
    id: column("int", { primaryKey: after }),
    email: column("text", { unique: after }),
  });
const orders = (after: boolean) =>
  defineTable(
    "orders",
    { id: column("int", { primaryKey: true }), account_id: column("int") },
    (t) => after ? [t.reference(["account_id"], "accounts", ["id"])] : [],
  );

const planned = () =>
  diffSchemas(
    model({ tables: [accounts(false), orders(false)] }),
    model({ tables: [accounts(true), orders(true)] }),
    { online: true },
  );

const step = (op: Operation): string => {
  switch (op.kind) {
    case "create_index":
      return `create_index ${op.index.name}`;
    case "add_primary_key":
      return `attach ${op.primaryKey.name}`;
    case "add_unique":
      return `attach ${op.unique.name}`;
    case "add_foreign_key":
      return `add_foreign_key ${op.foreignKey.name}`;
    case "add_check":
      return `add_check ${op.check.name}`;
    case "validate_constraint":
      return `validate ${op.name}`;
    case "set_not_null":
      return `set_not_null ${op.column}`;
    default:
      return op.kind;
  }
};

Deno.test("online order: index build, check, SET NOT NULL, then the key, then the foreign keys", () => {
  const ops = planned();
  assert.deepEqual(ops.map(step), [
    "add_check accounts_id_not_null_check",
    "create_index accounts_email_key",
    "create_index accounts_pkey",
    "validate accounts_id_not_null_check",
    "set_not_null id",
    "attach accounts_email_key",
    "attach accounts_pkey",
    "add_foreign_key orders_account_id_fkey",
    "validate orders_account_id_fkey",
  ]);
  // generate's files run the same statements in the same order.
  const files = migrationBoundaries(ops);
  assert.deepEqual(files.flat().map(step), ops.map(step));
  assert.deepEqual(files.map((f) => f.map(step).join("+")), [
    "add_check accounts_id_not_null_check",
    "create_index accounts_email_key",
    "create_index accounts_pkey",
    "validate accounts_id_not_null_check",
    "set_not_null id",
    "attach accounts_email_key+attach accounts_pkey+add_foreign_key orders_account_id_fkey",
    "validate orders_account_id_fkey",
  ]);
  assert.ok(planHazards(ops).every((h) => heldLock(h) !== "ACCESS EXCLUSIVE"), "nothing scans under ACCESS EXCLUSIVE");
});

Deno.test("hazards: a key attached while a column is still nullable scans the table under ACCESS EXCLUSIVE", () => {
  const ops = planned();
  const attach = ops.findIndex((op) => op.kind === "add_primary_key");
  const notNull = ops.findIndex((op) => op.kind === "set_not_null");
  const early = [...ops.slice(0, notNull), ops[attach], ops[notNull], ...ops.slice(attach + 1)];
  const h = planHazards(early)[notNull];
  assert.deepEqual(h.hazards, ["scans table", "may fail on existing rows"]);
  assert.equal(heldLock(h), "ACCESS EXCLUSIVE");
  assert.deepEqual(planHazards(ops)[attach].hazards, [], "attached after SET NOT NULL: metadata only");
});

/**
 * Where one planned change becomes several migrations, each one transaction
 * (or one statement that PostgreSQL runs only outside a transaction), in
 * this order:
 * 1. new enum labels, committed on their own: PostgreSQL refuses to use a
 *    label in the transaction that added it;
 * 2. each DROP INDEX CONCURRENTLY alone;
 * 3. everything else that runs in one transaction;
 * 4. each CREATE INDEX CONCURRENTLY alone;
 * 5. validations of constraints added NOT VALID: a transaction of their own,
 *    so the exclusive lock of the ADD is not held while rows are scanned;
 * 6. SET NOT NULL proved by a validated check, then an identity added to its
 *    column, and partitions attached with a new bound proved by one;
 * 7. constraints attached to the indexes of 4 (`USING INDEX`) and a replica
 *    identity using one, after the SET NOT NULL of their columns, and, when
 *    there are any, the foreign keys (which may point at them);
 * 8. the validations of those foreign keys.
 * Steps 4 to 8 keep orderOperations' order (diff/order.ts), so `plan` prints them runnable.
 */
import { runsOutsideTransaction } from "../dialect/postgres/compile.ts";
import { attachesIndex, attachmentFollowers, awaitsNotNull, usesIndexBuilt } from "../diff/online.ts";
import type { Operation } from "../diff/operations.ts";

export function migrationBoundaries(operations: readonly Operation[]): Operation[][] {
  const outside = operations.filter(runsOutsideTransaction);
  const drops = outside.filter((op) => op.kind === "drop_index");
  const builds = outside.filter((op) => op.kind === "create_index");
  const group = (test: (op: Operation) => boolean) =>
    operations.filter((op) => !runsOutsideTransaction(op) && test(op));
  const followers = attachmentFollowers(operations);
  const labels = group((op) => op.kind === "add_enum_value");
  const attach = group((op) =>
    attachesIndex(op) || usesIndexBuilt(op, operations) || (op.kind === "add_foreign_key" && followers.has(op))
  );
  const validations = group((op) => op.kind === "validate_constraint" && !followers.has(op));
  const finish = group((op) =>
    op.kind === "set_not_null" || (op.kind === "attach_partition" && op.check !== undefined) ||
    awaitsNotNull(op, operations)
  );
  const followingValidations = group((op) => op.kind === "validate_constraint" && followers.has(op));
  const later = new Set<Operation>([...labels, ...attach, ...validations, ...finish, ...followingValidations]);
  const main = group((op) => !later.has(op));
  // A validation with nothing before it (a NOT VALID constraint now wanted valid) needs no transaction of its own.
  const separate = main.length > 0 || attach.length > 0 || builds.length > 0;
  return [
    labels,
    ...drops.map((op) => [op]),
    separate ? main : [...main, ...validations],
    ...builds.map((op) => [op]),
    separate ? validations : [],
    finish,
    attach,
    followingValidations,
  ].filter((g) => g.length > 0);
}

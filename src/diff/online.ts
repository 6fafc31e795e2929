/**
 * Online DDL: the same change, planned so that a populated table in use
 * stays readable and writable while it happens. On tables that exist
 * already (new ones are empty and need none of this):
 * - indexes are built and dropped CONCURRENTLY;
 * - unique constraints and primary keys are attached to a unique index built
 *   concurrently (`ADD CONSTRAINT ... USING INDEX`);
 * - foreign keys and checks are added NOT VALID, then validated in a later
 *   transaction (SHARE UPDATE EXCLUSIVE: writes go on);
 * - SET NOT NULL goes through a validated `CHECK (col IS NOT NULL)`, so it
 *   does not scan the table under an exclusive lock.
 * A key is attached after the SET NOT NULL of its columns: attached to a
 * nullable column, PostgreSQL would set NOT NULL itself, scanning the table
 * under ACCESS EXCLUSIVE. Foreign keys, which may point at an attached key,
 * follow it (`attachmentFollowers`; order.ts and migrations/boundaries.ts).
 * `generate` puts each step in its own migration (see migrations/boundaries.ts).
 * Partitioned tables get plain DDL but for checks and SET NOT NULL:
 * PostgreSQL builds no index concurrently on them, attaches no constraint to
 * an index built apart, and (up to 17) takes no NOT VALID foreign key there.
 * A partition's new bound is proved the same way, by a validated check, so
 * the ATTACH that follows its DETACH does not scan it while the parent is
 * locked.
 */
import { boundPredicate } from "../dialect/postgres/partition_predicate.ts";
import { makeObjectName } from "../model/names.ts";
import { type Index, type PartitionBy, qualifiedName } from "../model/types.ts";
import type { Operation, OperationOf } from "./operations.ts";

/**
 * `partitioned`: partitioned tables by qualified name, whose indexes, keys
 * and foreign keys change with plain DDL; their partitions are changed online.
 */
export function onlineOperations(
  ops: readonly Operation[],
  partitioned: ReadonlyMap<string, PartitionBy>,
): Operation[] {
  const key = (schema: string, table: string) => `${schema}\u0000${table}`;
  const created = new Set(ops.flatMap((op) => (op.kind === "create_table" ? [key(op.schema, op.table)] : [])));
  const dropped = new Set(ops.flatMap((op) => (op.kind === "drop_table" ? [key(op.schema, op.table)] : [])));
  const rebound = new Map(
    ops.flatMap((op) => (op.kind === "detach_partition" ? [[key(op.schema, op.table), op] as const] : [])),
  );
  // One partition re-bounded alone under its parent: another one created or attached may take part of its old
  // bound (the plain pair frees it first), and a renamed key column would not be in the check yet.
  const added = new Map<string, number>();
  for (const op of ops) {
    const to = op.kind === "create_table" || op.kind === "attach_partition" ? op.partitionOf : undefined;
    if (to) added.set(key(to.schema, to.table), (added.get(key(to.schema, to.table)) ?? 0) + 1);
    if (op.kind === "rename_column") added.set(key(op.schema, op.table), Infinity);
  }
  const proved = new Map<Operation, Operation[]>(ops.flatMap((op): [Operation, Operation[]][] => {
    if (op.kind !== "attach_partition" || added.get(key(op.partitionOf.schema, op.partitionOf.table)) !== 1) return [];
    const detach = rebound.get(key(op.schema, op.table));
    const steps = detach && provedAttach(detach, op, partitioned);
    return steps ? [[detach, []], [op, steps]] : [];
  }));
  return ops.flatMap((op): Operation[] => {
    if (proved.has(op)) return proved.get(op)!;
    if (!("table" in op) || created.has(key(op.schema, op.table))) return [op];
    if (partitioned.has(qualifiedName(op.schema, op.table)) && !checkedOnline(op)) return [op];
    const on = { schema: op.schema, table: op.table };
    switch (op.kind) {
      case "create_index":
        return [op.index.concurrently === undefined ? { ...op, index: { ...op.index, concurrently: true } } : op];
      case "drop_index":
        return dropped.has(key(op.schema, op.table)) ? [op] : [{ ...op, concurrently: true }];
      case "add_unique": {
        const u = op.unique;
        return [
          { kind: "create_index", ...on, index: uniqueIndex(u.name, u.columns, u.nullsNotDistinct) },
          { ...op, usingIndex: true },
        ];
      }
      case "add_primary_key":
        return [
          { kind: "create_index", ...on, index: uniqueIndex(op.primaryKey.name, op.primaryKey.columns) },
          { ...op, usingIndex: true },
        ];
      case "add_foreign_key":
        return op.foreignKey.notValid ? [op] : [
          { ...op, foreignKey: { ...op.foreignKey, notValid: true } },
          { kind: "validate_constraint", ...on, name: op.foreignKey.name },
        ];
      case "add_check":
        return op.check.notValid ? [op] : [
          { ...op, check: { ...op.check, notValid: true } },
          { kind: "validate_constraint", ...on, name: op.check.name },
        ];
      case "alter_column": {
        if (op.changes.notNull?.to !== true) return [op];
        const { notNull: _n, ...rest } = op.changes;
        // Not "<t>_<c>_not_null": PostgreSQL 18 names its own NOT NULL constraints so.
        const check = makeObjectName(op.table, op.column, "not_null_check");
        return [
          ...(Object.keys(rest).length > 0 ? [{ ...op, changes: rest }] : []),
          {
            kind: "add_check",
            ...on,
            check: { name: check, expression: `"${op.column.replaceAll('"', '""')}" IS NOT NULL`, notValid: true },
          },
          { kind: "validate_constraint", ...on, name: check },
          { kind: "set_not_null", ...on, column: op.column, check },
        ];
      }
      default:
        return [op];
    }
  });
}

/**
 * A partition detached and attached again with a new bound: the bound added
 * as a check NOT VALID and validated while the partition stays attached
 * (SHARE UPDATE EXCLUSIVE), then detached and attached in one statement
 * list that drops the check. Undefined when the bound has no predicate
 * PostgreSQL can use (hash, several keys, an operator class of its own):
 * the plain pair stays.
 */
function provedAttach(
  detach: OperationOf<"detach_partition">,
  attach: OperationOf<"attach_partition">,
  partitioned: ReadonlyMap<string, PartitionBy>,
): Operation[] | undefined {
  const to = attach.partitionOf;
  const by = partitioned.get(qualifiedName(to.schema, to.table));
  // Several keys compare as rows, which PostgreSQL does not see as implying its partition constraint.
  const predicate = by?.keys.length === 1 && to.bound !== "DEFAULT" ? boundPredicate(by, to.bound) : undefined;
  if (predicate === undefined || partitioned.has(qualifiedName(attach.schema, attach.table))) return undefined;
  const on = { schema: attach.schema, table: attach.table };
  const check = makeObjectName(attach.table, undefined, "bound_check");
  return [
    { kind: "add_check", ...on, check: { name: check, expression: predicate, notValid: true } },
    { kind: "validate_constraint", ...on, name: check },
    { ...attach, detachFrom: detach.partitionOf, check },
  ];
}

/** A check, or SET NOT NULL through one: online on a partitioned table too (VALIDATE recurses to its partitions). */
function checkedOnline(op: Operation): boolean {
  return op.kind === "add_check" || (op.kind === "alter_column" && op.changes.notNull?.to === true);
}

/** A primary key or unique constraint attached to the unique index built concurrently for it. */
export function attachesIndex(op: Operation): boolean {
  return (op.kind === "add_unique" || op.kind === "add_primary_key") && op.usingIndex === true;
}

/**
 * A table's replica identity set to an index this plan builds concurrently:
 * like a key attached USING INDEX, it waits for the build (and its columns'
 * SET NOT NULL).
 */
export function usesIndexBuilt(op: Operation, ops: readonly Operation[]): boolean {
  if (op.kind !== "alter_table") return false;
  const to = op.changes.replicaIdentity?.to;
  if (to === undefined || typeof to === "string") return false;
  return ops.some((built) =>
    built.kind === "create_index" && built.index.concurrently === true && built.schema === op.schema &&
    built.table === op.table && built.index.name === to.index
  );
}

/**
 * A column made an identity while the plan sets it NOT NULL through a
 * check: PostgreSQL adds an identity only to a NOT NULL column, so it waits
 * for that SET NOT NULL.
 */
export function awaitsNotNull(op: Operation, ops: readonly Operation[]): boolean {
  if (op.kind !== "alter_column" || !op.changes.identity?.to || op.changes.identity.from) return false;
  return ops.some((set) =>
    set.kind === "set_not_null" && set.schema === op.schema && set.table === op.table && set.column === op.column
  );
}

/**
 * In a plan that attaches keys to indexes, the foreign keys (which may point
 * at those keys) and their validations: they run after the attachments.
 */
export function attachmentFollowers(ops: readonly Operation[]): ReadonlySet<Operation> {
  if (!ops.some(attachesIndex)) return new Set();
  const foreignKeys = ops.filter((op) => op.kind === "add_foreign_key");
  const names = new Set(foreignKeys.map((op) => `${op.schema}\u0000${op.table}\u0000${op.foreignKey.name}`));
  const validations = ops.filter((op) =>
    op.kind === "validate_constraint" && names.has(`${op.schema}\u0000${op.table}\u0000${op.name}`)
  );
  return new Set([...foreignKeys, ...validations]);
}

function uniqueIndex(name: string, columns: readonly string[], nullsNotDistinct?: boolean): Index {
  return {
    name,
    keys: columns.map((column) => ({ column })),
    unique: true,
    method: "btree",
    include: [],
    ...(nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    concurrently: true,
  };
}

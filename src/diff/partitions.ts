/**
 * Partitioning in the diff: a partition whose bound changes is detached and
 * attached again (rows kept); what PostgreSQL cannot change in place (a
 * table made partitioned or plain, a new partition key, a table made a
 * partition or a partition made a table, a partition moved to another
 * parent) is reported, for the planning pipeline to refuse.
 */
import { normalizeExpression } from "../model/normalize.ts";
import type { PartitionBy, PartitionOf, Table } from "../model/types.ts";
import type { SchemaModel } from "../model/schema_model.ts";
import { qualifiedName } from "../model/types.ts";
import type { Operation } from "./operations.ts";

export const partitionBySignature = (p: PartitionBy | undefined) =>
  p === undefined ? "null" : JSON.stringify([
    p.strategy,
    p.keys.map((k) => (k.expression ? { ...k, column: normalizeExpression(k.column) } : k)),
  ]);

const sameBound = (a: PartitionOf, b: PartitionOf) => normalizeExpression(a.bound) === normalizeExpression(b.bound);

/** `PARTITION BY RANGE (at)`, for messages. */
export function partitionByText(p: PartitionBy): string {
  const keys = p.keys.map((k) =>
    [k.expression ? `(${k.column})` : k.column, k.collation ? `COLLATE ${k.collation}` : "", k.opclass ?? ""]
      .filter(Boolean).join(" ")
  );
  return `PARTITION BY ${p.strategy.toUpperCase()} (${keys.join(", ")})`;
}

/** A partition kept under the same parent with another bound: detached, then attached with the new one. */
export function diffPartitionOf(actual: Table, desired: Table): Operation[] {
  const from = actual.partitionOf;
  const to = desired.partitionOf;
  if (!from || !to || sameBound(from, to)) return [];
  const on = { schema: desired.schema, table: desired.name };
  return [{ kind: "detach_partition", ...on, partitionOf: from }, { kind: "attach_partition", ...on, partitionOf: to }];
}

/** Partitions of a parent renamed by hint name it by its new name. */
export function followParentRenames(actual: readonly Table[], desired: readonly Table[]): readonly Table[] {
  if (!desired.some((t) => t.renamedFrom)) return actual;
  const present = new Set(actual.map((t) => qualifiedName(t.schema, t.name)));
  const renamed = new Map(
    desired.filter((t) =>
      t.renamedFrom && !present.has(qualifiedName(t.schema, t.name)) &&
      present.has(qualifiedName(t.schema, t.renamedFrom))
    ).map((t) => [qualifiedName(t.schema, t.renamedFrom!), t.name]),
  );
  if (renamed.size === 0) return actual;
  return actual.map((t) => {
    const parent = t.partitionOf && renamed.get(qualifiedName(t.partitionOf.schema, t.partitionOf.table));
    return parent ? { ...t, partitionOf: { ...t.partitionOf!, table: parent } } : t;
  });
}

/**
 * Changes to a table's partitioning that PostgreSQL cannot make in place,
 * one sentence each; empty when there are none.
 */
export function partitioningConflicts(actual: SchemaModel, desired: SchemaModel): string[] {
  const current = new Map(
    followParentRenames(actual.tables, desired.tables).map((t) => [qualifiedName(t.schema, t.name), t]),
  );
  const conflicts: string[] = [];
  for (const table of desired.tables) {
    const existing = current.get(qualifiedName(table.schema, table.name)) ??
      (table.renamedFrom ? current.get(qualifiedName(table.schema, table.renamedFrom)) : undefined);
    if (!existing) continue;
    const name = `${table.schema}.${table.name}`;
    const was = existing.partitionBy;
    const is = table.partitionBy;
    if (partitionBySignature(was) !== partitionBySignature(is)) {
      conflicts.push(
        !was
          ? `table ${name} is a plain table in the database but partitioned in the config (${partitionByText(is!)}): ` +
            "PostgreSQL cannot partition an existing table; create the partitioned table under another name, " +
            "move the rows (INSERT ... SELECT) and its partitions over, then drop the old table"
          : !is
          ? `table ${name} is partitioned in the database (${partitionByText(was)}) but not in the config: ` +
            "PostgreSQL cannot turn a partitioned table into a plain one; create the new table under another name, " +
            "move the rows, then drop the old one"
          : `table ${name} is partitioned by ${partitionByText(was)} in the database but by ${partitionByText(is)} ` +
            "in the config: PostgreSQL cannot change a partition key; create the table anew under another name " +
            "and move the rows",
      );
    }
    const parent = (p: PartitionOf | undefined) => (p ? qualifiedName(p.schema, p.table) : undefined);
    const before = parent(existing.partitionOf);
    const after = parent(table.partitionOf);
    if (before !== after) {
      conflicts.push(
        !before
          ? `table ${name} is a table of its own in the database but a partition of ${after} in the config: ` +
            `kyrage does not attach existing tables; run ALTER TABLE ${after} ATTACH PARTITION ${name} ... ` +
            "yourself (its columns must be the parent's), then plan again"
          : !after
          ? `table ${name} is a partition of ${before} in the database but a table of its own in the config: ` +
            `kyrage does not detach partitions into tables; run ALTER TABLE ${before} DETACH PARTITION ${name} ` +
            "yourself, then plan again"
          : `table ${name} is a partition of ${before} in the database but of ${after} in the config: ` +
            "kyrage does not move partitions between parents; detach and attach it yourself, then plan again",
      );
    }
  }
  return conflicts;
}

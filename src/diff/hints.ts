/**
 * Advice about a plan that is not an error: a column dropped and another of
 * the same type added in the same table is often a rename that lost its
 * `renamedFrom` hint, which would lose the column's data.
 */
import type { Operation, OperationOf } from "./operations.ts";

export interface PossibleRename {
  readonly schema: string;
  readonly table: string;
  readonly from: string;
  readonly to: string;
}

export function possibleRenames(ops: readonly Operation[]): PossibleRename[] {
  // Added columns by table and type, first added first: looked up per dropped column, never scanned.
  const adds = new Map<string, OperationOf<"add_column">[]>();
  const key = (schema: string, table: string, type: string) => JSON.stringify([schema, table, type]);
  for (const op of ops) {
    if (op.kind !== "add_column") continue;
    const k = key(op.schema, op.table, op.column.type);
    adds.set(k, [...(adds.get(k) ?? []), op]);
  }
  const found: PossibleRename[] = [];
  for (const dropped of ops) {
    if (dropped.kind !== "drop_column") continue;
    const added = adds.get(key(dropped.schema, dropped.table, dropped.column.type))
      ?.find((op) => op.column.name !== dropped.column.name);
    if (added) {
      found.push({ schema: dropped.schema, table: dropped.table, from: dropped.column.name, to: added.column.name });
    }
  }
  return found;
}

export function describePossibleRename(r: PossibleRename): string {
  return `${r.schema}.${r.table}.${r.from} is dropped and ${r.to} added with the same type: if this is a rename, ` +
    `add \`renamedFrom: "${r.from}"\` to column ${r.to} to keep the data`;
}

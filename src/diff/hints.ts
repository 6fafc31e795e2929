/**
 * Advice about a plan that is not an error: a column dropped and another of
 * the same type added in the same table is often a rename that lost its
 * `renamedFrom` hint, which would lose the column's data.
 */
import type { Operation } from "./operations.ts";

export interface PossibleRename {
  readonly schema: string;
  readonly table: string;
  readonly from: string;
  readonly to: string;
}

export function possibleRenames(ops: readonly Operation[]): PossibleRename[] {
  const found: PossibleRename[] = [];
  for (const dropped of ops) {
    if (dropped.kind !== "drop_column") continue;
    const added = ops.find((op) =>
      op.kind === "add_column" && op.schema === dropped.schema && op.table === dropped.table &&
      op.column.name !== dropped.column.name && op.column.type === dropped.column.type
    );
    if (added?.kind === "add_column") {
      found.push({ schema: dropped.schema, table: dropped.table, from: dropped.column.name, to: added.column.name });
    }
  }
  return found;
}

export function describePossibleRename(r: PossibleRename): string {
  return `${r.schema}.${r.table}.${r.from} is dropped and ${r.to} added with the same type: if this is a rename, ` +
    `add \`renamedFrom: "${r.from}"\` to column ${r.to} to keep the data`;
}

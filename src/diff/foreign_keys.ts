/**
 * Foreign keys beyond set arithmetic: a change of deferrability alone is
 * made in place, and the ones pointing at a key the plan rebuilds are
 * rebuilt with it.
 */
import type { Deferrable, ForeignKey, Table } from "../model/types.ts";
import { qualifiedName } from "../model/types.ts";
import { foreignKeySignature } from "./named.ts";
import type { Operation, OperationOf } from "./operations.ts";

/**
 * Foreign keys whose deferrability is all that changes are altered in place
 * (`ALTER CONSTRAINT`: no drop, no window without the check, no validation
 * scan). `actual` comes back with them as they will be, so any other change
 * still rebuilds (diffNamed).
 */
export function alterDeferrability(
  on: { readonly schema: string; readonly table: string },
  actual: readonly ForeignKey[],
  desired: readonly ForeignKey[],
): { ops: Operation[]; actual: ForeignKey[] } {
  const wanted = new Map(desired.map((f) => [f.name, f]));
  const ops: Operation[] = [];
  const after = actual.map((fk) => {
    const to = wanted.get(fk.name);
    if (!to || fk.deferrable === to.deferrable) return fk;
    const altered = withDeferrable(fk, to.deferrable);
    if (foreignKeySignature(altered) !== foreignKeySignature(to)) return fk;
    ops.push({
      kind: "alter_constraint",
      ...on,
      name: fk.name,
      deferrable: {
        ...(fk.deferrable ? { from: fk.deferrable } : {}),
        ...(to.deferrable ? { to: to.deferrable } : {}),
      },
    });
    return altered;
  });
  return { ops, actual: after };
}

function withDeferrable(fk: ForeignKey, deferrable: Deferrable | undefined): ForeignKey {
  const { deferrable: _old, ...rest } = fk;
  return deferrable ? { ...rest, deferrable } : rest;
}

/**
 * PostgreSQL refuses to drop a primary key or unique constraint that a
 * foreign key depends on: drop such foreign keys first and add them back
 * (one altered in place is added back altered instead).
 */
export function rebuildDependentForeignKeys(ops: Operation[], actual: readonly Table[]): Operation[] {
  // The dropped keys' sorted columns, by table: looked up per foreign key, never scanned.
  const droppedKeys = new Map<string, string[]>();
  for (const op of ops) {
    if (op.kind !== "drop_primary_key" && op.kind !== "drop_unique") continue;
    const columns = op.kind === "drop_primary_key" ? op.primaryKey.columns : op.unique.columns;
    const key = qualifiedName(op.schema, op.table);
    droppedKeys.set(key, [...(droppedKeys.get(key) ?? []), JSON.stringify([...columns].sort())]);
  }
  if (droppedKeys.size === 0) return ops;
  const fkKey = (schema: string, table: string, name: string) => `${qualifiedName(schema, table)}.${name}`;
  const droppedFks = new Set(
    ops.flatMap((op) => op.kind === "drop_foreign_key" ? [fkKey(op.schema, op.table, op.foreignKey.name)] : []),
  );
  const altered = new Map(
    ops.flatMap((op) => op.kind === "alter_constraint" ? [[fkKey(op.schema, op.table, op.name), op] as const] : []),
  );
  // Renames run first, so these operations use the tables' new names.
  const renamedTables = new Map(
    ops.flatMap((op) => op.kind === "rename_table" ? [[qualifiedName(op.schema, op.from), op.to]] : []),
  );
  const extra: Operation[] = [];
  const replaced = new Set<OperationOf<"alter_constraint">>();
  for (const table of actual) {
    for (const foreignKey of table.foreignKeys) {
      const depends = droppedKeys.get(qualifiedName(foreignKey.refSchema, foreignKey.refTable))
        ?.includes(JSON.stringify([...foreignKey.refColumns].sort())) ?? false;
      const name = renamedTables.get(qualifiedName(table.schema, table.name)) ?? table.name;
      // Foreign keys already dropped (changed, or on dropped tables) need nothing.
      if (!depends || droppedFks.has(fkKey(table.schema, name, foreignKey.name))) continue;
      const on = { schema: table.schema, table: name };
      const alter = altered.get(fkKey(table.schema, name, foreignKey.name));
      if (alter) replaced.add(alter);
      extra.push({ kind: "drop_foreign_key", ...on, foreignKey });
      extra.push({
        kind: "add_foreign_key",
        ...on,
        foreignKey: alter ? withDeferrable(foreignKey, alter.deferrable.to) : foreignKey,
      });
    }
  }
  return [...ops.filter((op) => !replaced.has(op as OperationOf<"alter_constraint">)), ...extra];
}

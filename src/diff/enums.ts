/**
 * Enum types: created, dropped, labels added in place, or rebuilt when labels
 * are removed or reordered (the columns using the type are converted).
 */
import { userTypeName } from "../model/from_config.ts";
import type { EnumType, Table } from "../model/types.ts";
import { qualifiedName } from "../model/types.ts";
import { sameExpression } from "./named.ts";
import type { EnumColumn, Operation } from "./operations.ts";

/** Whether `desired` keeps `existing`'s labels in order, only adding some. */
function onlyAdds(existing: EnumType, desired: EnumType): boolean {
  const want = new Set(desired.values);
  const have = new Set(existing.values);
  const kept = desired.values.filter((v) => have.has(v));
  return kept.length === existing.values.length && kept.every((v, i) => v === existing.values[i]) &&
    existing.values.every((v) => want.has(v));
}

/** The enum types (`format_type` spelling) this change rebuilds. */
export function rebuiltEnumTypes(actual: readonly EnumType[], desired: readonly EnumType[]): Set<string> {
  const current = new Map(actual.map((e) => [qualifiedName(e.schema, e.name), e]));
  return new Set(
    desired.filter((e) => {
      const existing = current.get(qualifiedName(e.schema, e.name));
      return existing !== undefined && !onlyAdds(existing, e);
    }).map((e) => userTypeName(e.schema, e.name)),
  );
}

export function diffEnums(
  actual: readonly EnumType[],
  desired: readonly EnumType[],
  converted: (type: string) => EnumColumn[],
): Operation[] {
  const ops: Operation[] = [];
  const current = new Map(actual.map((e) => [qualifiedName(e.schema, e.name), e]));
  for (const e of desired) {
    const key = qualifiedName(e.schema, e.name);
    const existing = current.get(key);
    current.delete(key);
    if (!existing) {
      ops.push({ kind: "create_enum", schema: e.schema, name: e.name, values: e.values });
      continue;
    }
    if (!onlyAdds(existing, e)) {
      // Removing or reordering labels needs the type rebuilt (destructive
      // when labels go away); the columns using it are converted.
      ops.push({
        kind: "recreate_enum",
        schema: e.schema,
        name: e.name,
        from: existing.values,
        to: e.values,
        columns: converted(userTypeName(e.schema, e.name)),
      });
      continue;
    }
    const have = new Set(existing.values);
    e.values.forEach((value, i) => {
      if (have.has(value)) return;
      const before = e.values.slice(i + 1).find((v) => have.has(v));
      ops.push({
        kind: "add_enum_value",
        schema: e.schema,
        name: e.name,
        value,
        ...(before !== undefined ? { before } : {}),
      });
    });
  }
  for (const e of current.values()) {
    ops.push({ kind: "drop_enum", schema: e.schema, name: e.name, values: e.values });
  }
  return ops;
}

/**
 * The columns an enum rebuild converts: those of the type (or arrays of it)
 * still there when it runs, after this change's renames and drops, under
 * their new names. A default is restored only where the config keeps it.
 */
export function enumColumns(
  actual: readonly Table[],
  desired: readonly Table[],
  tableOps: readonly Operation[],
): (type: string) => EnumColumn[] {
  const renamedTables = new Map<string, string>();
  const dropped = new Set<string>();
  const renamedColumns = new Map<string, string>();
  for (const op of tableOps) {
    if (op.kind === "rename_table") renamedTables.set(qualifiedName(op.schema, op.from), op.to);
    if (op.kind === "drop_table") dropped.add(qualifiedName(op.schema, op.table));
    if (op.kind === "drop_column") dropped.add(`${qualifiedName(op.schema, op.table)}.${op.column.name}`);
    if (op.kind === "rename_column") renamedColumns.set(`${qualifiedName(op.schema, op.table)}.${op.from}`, op.to);
  }
  // Built on first use: most plans change no enum type.
  let built: Map<string, Table> | undefined;
  return (type) =>
    actual.flatMap((t) => {
      const wanted = built ??= new Map(desired.map((t) => [qualifiedName(t.schema, t.name), t]));
      // A partition's columns are converted with its parent's.
      if (t.partitionOf || dropped.has(qualifiedName(t.schema, t.name))) return [];
      const table = renamedTables.get(qualifiedName(t.schema, t.name)) ?? t.name;
      const key = qualifiedName(t.schema, table);
      return t.columns.filter((c) => c.type === type || c.type === `${type}[]`).flatMap((c): EnumColumn[] => {
        if (dropped.has(`${key}.${c.name}`)) return [];
        const column = renamedColumns.get(`${key}.${c.name}`) ?? c.name;
        const after = wanted.get(key)?.columns.find((d) => d.name === column);
        const keep = c.default !== undefined && after !== undefined &&
          sameExpression(c.default, after.default, after.type);
        return [{
          schema: t.schema,
          table,
          column,
          array: c.type.endsWith("[]"),
          ...(keep ? { default: c.default } : {}),
        }];
      });
    });
}

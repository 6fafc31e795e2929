/**
 * The table and column renames a plan makes, by hint: one rule for the
 * differ, which renames the columns, and for what must be compared as it
 * will read after the renames (foreign keys here; expressions through the
 * database, dialect/postgres/follow_renames.ts).
 */
import type { ForeignKey, Table } from "../model/types.ts";
import { qualifiedName } from "../model/types.ts";

/**
 * Desired name → actual name of the columns renamed by hint: the old name
 * present and not already claimed by an earlier desired column, the new one absent.
 */
export function renamedColumns(actual: Table, desired: Table): Map<string, string> {
  const current = new Set(actual.columns.map((c) => c.name));
  const renamed = new Map<string, string>();
  for (const column of desired.columns) {
    if (!current.has(column.name) && column.renamedFrom && current.has(column.renamedFrom)) {
      renamed.set(column.name, column.renamedFrom);
      current.delete(column.renamedFrom);
    } else {
      current.delete(column.name);
    }
  }
  return renamed;
}

export interface PlannedRenames {
  /** New name of each table renamed by hint, by its actual qualified name. */
  readonly tables: ReadonlyMap<string, string>;
  /** Old name → new name of the renamed columns, by the actual table's qualified name. */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * The tables and columns renamed by hint; tables are paired as diffTables
 * pairs them (by name, else by the table's own hint). A partition's columns
 * are its parent's, renamed with them.
 */
export function plannedRenames(actual: readonly Table[], desired: readonly Table[]): PlannedRenames {
  const tables = new Map<string, string>();
  const columns = new Map<string, ReadonlyMap<string, string>>();
  if (!desired.some((t) => t.renamedFrom || t.columns.some((c) => c.renamedFrom))) return { tables, columns };
  const current = new Map(actual.map((t) => [qualifiedName(t.schema, t.name), t]));
  const take = (schema: string, name: string) => {
    const key = qualifiedName(schema, name);
    const table = current.get(key);
    current.delete(key);
    return table && { key, table };
  };
  for (const table of desired) {
    let existing = take(table.schema, table.name);
    if (!existing && table.renamedFrom) {
      existing = take(table.schema, table.renamedFrom);
      if (existing) tables.set(existing.key, table.name);
    }
    if (!existing || table.partitionOf) continue;
    const renamed = renamedColumns(existing.table, table);
    if (renamed.size > 0) columns.set(existing.key, new Map([...renamed].map(([to, from]) => [from, to])));
  }
  return { tables, columns };
}

/**
 * The actual tables with their foreign keys naming the referenced table and
 * columns as they will be after the renames: PostgreSQL follows them, so
 * such a foreign key is unchanged, never rebuilt.
 */
export function followReferencedRenames(actual: readonly Table[], renames: PlannedRenames): readonly Table[] {
  if (renames.tables.size === 0 && renames.columns.size === 0) return actual;
  const follow = (fk: ForeignKey): ForeignKey => {
    const key = qualifiedName(fk.refSchema, fk.refTable);
    const table = renames.tables.get(key);
    const columns = renames.columns.get(key);
    if (!table && !columns) return fk;
    return {
      ...fk,
      ...(table ? { refTable: table } : {}),
      ...(columns ? { refColumns: fk.refColumns.map((c) => columns.get(c) ?? c) } : {}),
    };
  };
  return actual.map((t) => (t.foreignKeys.length === 0 ? t : { ...t, foreignKeys: t.foreignKeys.map(follow) }));
}

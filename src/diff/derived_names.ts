/**
 * What PostgreSQL names after a table and column: the sequence a serial or
 * identity column owns, and (PostgreSQL 18) a column's NOT NULL constraint.
 * PostgreSQL keeps those names when the table or column is renamed, so the
 * plan renames them with it. A sequence named otherwise (by hand, by an
 * older kyrage) is renamed too; a `seq1`, `seq2`, ... name is PostgreSQL's
 * own on a collision and is kept, so a plan never renames it back and forth.
 */
import { isSequenceNameOf, makeObjectName, sequenceName } from "../model/names.ts";
import type { Column, Table } from "../model/types.ts";
import type { Operation } from "./operations.ts";
import { renamedColumns } from "./renames.ts";

/** Relation names (tables, indexes, sequences) by schema: a sequence rename must not take one. */
export type TakenNames = Map<string, Set<string>>;

const ownsSequence = (c: Column) => c.serial !== undefined || c.identity !== undefined;

/** Each table's sequence names as they are now, for the serial and identity columns of `table`. */
function currentSequences(table: Table): Map<string, { schema: string; name: string }> {
  const named = new Map((table.columnSequences ?? []).map((s) => [s.column, s]));
  return new Map(
    table.columns.filter(ownsSequence).map((c) => [
      c.name,
      named.get(c.name) ?? { schema: table.schema, name: sequenceName(table.name, c.name) },
    ]),
  );
}

/** The relation names both sides hold (tables, indexes, sequences, views), by schema: what a renamed sequence must avoid. */
export function takenNames(
  actual: readonly Table[],
  desired: readonly Table[],
  relations: readonly { readonly schema: string; readonly name: string }[] = [],
): TakenNames {
  const taken = new Map<string, Set<string>>();
  const add = (schema: string, name: string) => {
    let names = taken.get(schema);
    if (!names) taken.set(schema, names = new Set());
    names.add(name);
  };
  for (const table of [...actual, ...desired]) {
    add(table.schema, table.name);
    if (table.primaryKey) add(table.schema, table.primaryKey.name);
    for (const unique of table.uniques) add(table.schema, unique.name);
    for (const index of table.indexes) add(table.schema, index.name);
  }
  for (const table of actual) for (const s of currentSequences(table).values()) add(s.schema, s.name);
  for (const relation of relations) add(relation.schema, relation.name);
  return taken;
}

/**
 * `actual` under its name before any rename, `desired` as the config wants it. A sequence in
 * another schema than its table is left where it is (NOT MANAGED names it). `taken` gets the new names.
 */
export function renameDerivedNames(actual: Table, desired: Table, taken: () => TakenNames): Operation[] {
  // Asked of every table: most rename nothing and hold only default names.
  const renamesColumns = !desired.partitionOf && desired.columns.some((c) => c.renamedFrom);
  if (actual.name === desired.name && !renamesColumns && !actual.columnSequences) return [];
  const hinted = renamesColumns ? renamedColumns(actual, desired) : new Map<string, string>();
  const current = currentSequences(actual);
  const before = new Map(actual.columns.map((c) => [c.name, c]));
  const ops: Operation[] = [];
  const on = { schema: desired.schema, table: desired.name };
  for (const column of desired.columns) {
    const old = before.get(hinted.get(column.name) ?? column.name);
    if (!old) continue;
    // A partition's NOT NULL constraints are its parent's, renamed with them.
    if (old.notNull && !desired.partitionOf && !actual.unmanagedNotNull?.includes(old.name)) {
      const from = makeObjectName(actual.name, old.name, "not_null");
      const to = makeObjectName(desired.name, column.name, "not_null");
      if (from !== to) ops.push({ kind: "rename_not_null", ...on, column: column.name, from, to });
    }
    const sequence = current.get(old.name);
    // A serial turned identity (or back) gets a new sequence, named by PostgreSQL then.
    const kept = (old.serial !== undefined) === (column.serial !== undefined) &&
      (old.identity !== undefined) === (column.identity !== undefined);
    if (!sequence || !kept || sequence.schema !== desired.schema) continue;
    if (isSequenceNameOf(sequence.name, desired.name, column.name)) continue;
    let names = taken().get(desired.schema);
    if (!names) taken().set(desired.schema, names = new Set());
    let to = sequenceName(desired.name, column.name);
    for (let pass = 1; names.has(to); pass++) to = sequenceName(desired.name, column.name, pass);
    names.add(to);
    ops.push({ kind: "rename_sequence", ...on, from: sequence.name, to });
  }
  return ops;
}

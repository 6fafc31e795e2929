/**
 * The columns of one table: added, dropped, renamed by hint, altered clause
 * by clause, or rebuilt when PostgreSQL cannot alter them in place.
 */
import type { Column, Table } from "../model/types.ts";
import { sameExpression } from "./named.ts";
import type { ColumnChanges, Operation } from "./operations.ts";
import { renamedColumns } from "./renames.ts";

export interface ColumnDiff {
  readonly ops: Operation[];
  /** Old name → new name, for columns renamed by hint. */
  readonly renamed: ReadonlyMap<string, string>;
  /**
   * Columns dropped and added again; PostgreSQL drops the indexes and
   * constraints that use them with them, so those are rebuilt too.
   */
  readonly rebuilt: ReadonlySet<string>;
}

/**
 * `enums`: enum types (`format_type` spelling); a change from one of them goes
 * through text. `regenerate`: generated columns (by actual name) to rebuild
 * even when their expression is the same (it calls a routine the plan drops).
 */
export function diffColumns(
  actual: Table,
  desired: Table,
  enums: ReadonlySet<string> = new Set(),
  regenerate: (column: string) => boolean = () => false,
): ColumnDiff {
  const on = { schema: desired.schema, table: desired.name };
  const ops: Operation[] = [];
  const current = new Map(actual.columns.map((c) => [c.name, c]));
  const renamed = new Map<string, string>();
  const rebuilt = new Set<string>();
  const hinted = renamedColumns(actual, desired);
  for (const column of desired.columns) {
    let existing = current.get(column.name);
    if (hinted.has(column.name)) {
      existing = current.get(hinted.get(column.name)!)!;
      ops.push({ kind: "rename_column", ...on, from: existing.name, to: column.name });
      renamed.set(existing.name, column.name);
      current.delete(existing.name);
    } else {
      current.delete(column.name);
    }
    const { renamedFrom: _r, using: _u, ...added } = column;
    if (!existing) {
      ops.push({ kind: "add_column", ...on, column: added });
      continue;
    }
    // PostgreSQL can turn a generated column into a plain one (DROP EXPRESSION,
    // values kept) but not the reverse, nor change the expression before 17:
    // those rebuild the column, whose values are then computed afresh.
    if (
      column.generated !== undefined &&
      (!sameExpression(existing.generated, column.generated) || regenerate(existing.name))
    ) {
      ops.push({ kind: "drop_column", ...on, column: existing }, { kind: "add_column", ...on, column: added });
      rebuilt.add(column.name);
      continue;
    }
    const changes = diffColumn(existing, column, enums, actual.unmanagedNotNull?.includes(existing.name) ?? false);
    if (changes) {
      // A collation is changed, and a storage reset, by restating the type.
      const restate = changes.collation !== undefined || (changes.storage && changes.storage.to === undefined);
      ops.push({
        kind: "alter_column",
        ...on,
        column: column.name,
        changes,
        ...(restate ? { type: column.type } : {}),
      });
    }
  }
  for (const column of current.values()) ops.push({ kind: "drop_column", ...on, column });
  return { ops, renamed, rebuilt };
}

/**
 * Only what differs; `undefined` when the column is unchanged. `keepNotNull`: a constraint kyrage does not
 * manage holds the column NOT NULL (listed NOT MANAGED, left as it is).
 */
function diffColumn(
  actual: Column,
  desired: Column,
  enums: ReadonlySet<string>,
  keepNotNull: boolean,
): ColumnChanges | undefined {
  const changes: {
    -readonly [K in keyof ColumnChanges]: ColumnChanges[K];
  } = {};
  if (actual.generated !== undefined && desired.generated === undefined) {
    changes.generated = { from: actual.generated };
  }
  if (actual.type !== desired.type) {
    // An enum has no cast to another type but text: convert through it.
    const viaText = !desired.using && enums.has(actual.type.replace(/\[\]$/, ""));
    changes.type = {
      from: actual.type,
      to: desired.type,
      ...(desired.using ? { using: desired.using } : {}),
      ...(viaText ? { viaText: true } : {}),
    };
  }
  if (actual.notNull !== desired.notNull && !keepNotNull) {
    changes.notNull = { from: actual.notNull, to: desired.notNull };
  }
  if (actual.serial !== desired.serial) {
    changes.serial = optionalPair(actual.serial, desired.serial);
  }
  if (!sameExpression(actual.default, desired.default, desired.type)) {
    changes.default = optionalPair(actual.default, desired.default);
  }
  if (actual.identity !== desired.identity) {
    changes.identity = optionalPair(actual.identity, desired.identity);
  }
  const options = (c: Column) => (c.identity ? c.identityOptions ?? {} : {});
  if (desired.identity && JSON.stringify(options(actual)) !== JSON.stringify(options(desired))) {
    changes.identityOptions = { from: options(actual), to: options(desired) };
  }
  if (actual.storage !== desired.storage) changes.storage = optionalPair(actual.storage, desired.storage);
  if (actual.compression !== desired.compression) {
    changes.compression = optionalPair(actual.compression, desired.compression);
  }
  if (actual.collation !== desired.collation) changes.collation = optionalPair(actual.collation, desired.collation);
  if ((actual.comment ?? "") !== (desired.comment ?? "")) {
    changes.comment = optionalPair(actual.comment || undefined, desired.comment || undefined);
  }
  return Object.keys(changes).length > 0 ? changes : undefined;
}

function optionalPair<T>(from: T | undefined, to: T | undefined): { from?: T; to?: T } {
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

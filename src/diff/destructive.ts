/**
 * Which operations can lose data, decided from each operation's type and
 * data, never from SQL text. Each finding says what would be lost.
 */
import { objectId } from "../model/objects.ts";
import type { Column } from "../model/types.ts";
import { objectLoss } from "./describe_objects.ts";
import type { Operation } from "./operations.ts";

export interface DestructiveChange {
  readonly operation: Operation;
  /** What would be lost, for the user: "table public.users and its rows". */
  readonly loses: string;
}

/** A column as the database holds it. */
export interface LiveColumn {
  readonly type: string;
  readonly generated: boolean;
}

/**
 * The columns of the tables a stored file touches, by {@link tableKey} then
 * column name. `apply` judges a file against them: a file from a merged
 * branch may say a column was what it no longer is.
 */
export type LiveColumns = Map<string, Map<string, LiveColumn>>;

/** Names may hold dots: `"a.b".c` is not `a."b.c"`. */
export const tableKey = (schema: string, table: string): string => JSON.stringify([schema, table]);

/** Widening conversions: every value of `from` fits in `to`. */
const WIDENS_TO: Record<string, readonly string[]> = {
  smallint: ["integer", "bigint", "numeric", "double precision"],
  integer: ["bigint", "numeric"],
  bigint: ["numeric"],
  real: ["double precision"],
  "timestamp without time zone": ["timestamp with time zone"],
  // Not jsonb: it keeps one of duplicate keys and drops key order and spacing.
  json: ["text"],
  jsonb: ["json", "text"],
};

const LENGTH = /^(character varying|character|numeric|bit varying)\((\d+)(?:,(\d+))?\)$/;

/** True when some value of type `from` may not survive conversion to `to`. */
export function isNarrowing(from: string, to: string): boolean {
  if (from === to || to === "text") return false;
  if (WIDENS_TO[from]?.includes(to)) return false;
  const a = LENGTH.exec(from);
  const b = LENGTH.exec(to);
  if (to === "character varying" && (a?.[1] === "character varying" || from === "character varying")) return false;
  if (to === "numeric" && (a?.[1] === "numeric" || WIDENS_TO[from]?.includes("numeric"))) return false;
  if (a && b && a[1] === b[1]) {
    const [p1, s1, p2, s2] = [Number(a[2]), Number(a[3] ?? 0), Number(b[2]), Number(b[3] ?? 0)];
    return a[1] === "numeric" ? !(p2 - s2 >= p1 - s1 && s2 >= s1) : p2 < p1;
  }
  if (a?.[1] === "character varying" && to === "character varying") return false;
  return true;
}

/** What `op` loses; `live` holds the columns' state just before it, `createdAgain` the objects the list creates. */
function describe(op: Operation, live: LiveColumns | undefined, createdAgain: ReadonlySet<string>): string | undefined {
  // A hand-written step is opaque: apply announces it instead.
  if (op.kind === "sql") return undefined;
  if (op.kind === "create_object" || op.kind === "drop_object" || op.kind === "alter_object") {
    return objectLoss(op, op.kind === "drop_object" && createdAgain.has(objectId(op.object)));
  }
  const at = (table: string) => `${op.schema}.${table}`;
  const liveColumn = (table: string, column: string) => live?.get(tableKey(op.schema, table))?.get(column);
  switch (op.kind) {
    case "drop_table":
      return op.partitionOf
        ? `partition ${at(op.table)} (${op.partitionOf.bound}) of ${op.partitionOf.schema}.${op.partitionOf.table} ` +
          "and all its rows"
        : `table ${at(op.table)} and all its rows (columns ${op.columns.join(", ")})`;
    case "drop_column": {
      // A generated column's values are derived from others: nothing is lost. The database, when known, says which.
      const column = liveColumn(op.table, op.column.name);
      return (column?.generated ?? op.column.generated !== undefined)
        ? undefined
        : `column ${at(op.table)}.${op.column.name} (${column?.type ?? op.column.type}) and its values`;
    }
    case "alter_column": {
      const lost: string[] = [];
      const { type, default: def, serial, identity } = op.changes;
      const column = `${at(op.table)}.${op.column}`;
      if (type) {
        // What the column holds now, which a file from another branch may misstate.
        const from = liveColumn(op.table, op.column)?.type ?? type.from;
        // A hand-written conversion can compute anything: the gate cannot know it keeps the values.
        if (type.using !== undefined) {
          lost.push(`values of ${column}, rewritten by USING ${type.using} (${from} → ${type.to})`);
        } else if (isNarrowing(from, type.to)) {
          lost.push(`values of ${column} that do not fit ${type.to} (was ${from})`);
        }
      }
      if (def && def.from !== undefined && def.to === undefined && !serial) {
        lost.push(`the default of ${column} (${def.from})`);
      }
      // DROP DEFAULT and DROP SEQUENCE, or DROP IDENTITY: the numbering and the sequence's current value go
      // (serial to identity keeps numbering: the identity is set past the column's values).
      if (serial?.from !== undefined && serial.to === undefined && identity?.to === undefined) {
        lost.push(`the default of ${column} and its sequence with its current value (no longer ${serial.from})`);
      }
      if (identity?.from !== undefined && identity.to === undefined) {
        lost.push(`the identity of ${column} and its sequence with its current value (drop identity)`);
      }
      return lost.length > 0 ? lost.join("; ") : undefined;
    }
    case "drop_default":
      return `the default of ${at(op.table)}.${op.column} (${op.default})`;
    case "drop_enum":
      return `enum type ${op.schema}.${op.name} (${op.values.join(", ")})`;
    case "recreate_enum": {
      const removed = op.from.filter((v) => !op.to.includes(v));
      return removed.length > 0
        ? `enum labels ${removed.join(", ")} of ${op.schema}.${op.name}, and values using them`
        : `the order of enum ${op.schema}.${op.name}'s labels (comparisons and sorting by it change)`;
    }
    case "drop_composite_type":
      return `composite type ${op.schema}.${op.name} (${op.attributes.map((a) => `${a.name} ${a.type}`).join(", ")})`;
    case "alter_composite_type":
      // Dropped attributes take their values out of every column of the type.
      return op.changes.drop
        ? `attributes ${op.changes.drop.map((a) => a.name).join(", ")} of composite type ${op.schema}.${op.name}, ` +
          "and their values wherever the type is stored"
        : undefined;
    case "drop_range_type":
      return `range type ${op.schema}.${op.name} (of ${op.definition.subtype})`;
    case "drop_index":
      return `index ${op.schema}.${op.index.name} on ${op.table}`;
    case "drop_unique":
      return `unique constraint ${op.unique.name} on ${at(op.table)}`;
    case "drop_check":
      return `check constraint ${op.check.name} on ${at(op.table)}`;
    case "drop_foreign_key":
      return `foreign key ${op.foreignKey.name} on ${at(op.table)}`;
    case "drop_primary_key":
      return `primary key ${op.primaryKey.name} on ${at(op.table)}`;
    default:
      return undefined;
  }
}

/** The index or constraint an add/create or drop operation is about. */
function objectName(op: Operation): string | undefined {
  switch (op.kind) {
    case "create_index":
    case "drop_index":
      return op.index.name;
    case "add_unique":
    case "drop_unique":
      return op.unique.name;
    case "add_check":
    case "drop_check":
      return op.check.name;
    case "add_foreign_key":
    case "drop_foreign_key":
      return op.foreignKey.name;
    case "add_primary_key":
    case "drop_primary_key":
      return op.primaryKey.name;
    default:
      return undefined;
  }
}

/**
 * The destructive changes in an operation list. Dropping a constraint or
 * index that the same list creates again under the same name (a changed
 * definition), an object it creates again, a default the list sets again (or
 * drops itself, reported there), or one that goes with its dropped table, is
 * not reported. With `live`, columns are judged as the database holds them,
 * and `live` is advanced past the list: the next file is judged against what
 * this one leaves.
 */
export function destructiveChanges(ops: readonly Operation[], live?: LiveColumns): DestructiveChange[] {
  const recreated = new Set<string>();
  const createdAgain = new Set<string>();
  const droppedTables = new Set<string>();
  for (const op of ops) {
    const name = op.kind.startsWith("drop_") ? undefined : objectName(op);
    if (name !== undefined && "table" in op) recreated.add(`${op.schema}.${op.table}.${name}`);
    if (op.kind === "alter_column" && op.changes.default) {
      recreated.add(`${op.schema}.${op.table}.${op.column} default`);
    }
    if (op.kind === "create_object") createdAgain.add(objectId(op.object));
    if (op.kind === "drop_table") droppedTables.add(`${op.schema}.${op.table}`);
  }
  const found: DestructiveChange[] = [];
  for (const op of ops) {
    const loses = describe(op, live, createdAgain);
    if (live) advance(live, op);
    if (loses === undefined) continue;
    if (op.kind !== "drop_table" && "table" in op && droppedTables.has(`${op.schema}.${op.table}`)) continue;
    const name = op.kind === "drop_default" ? `${op.column} default` : objectName(op);
    if (name !== undefined && "table" in op && recreated.has(`${op.schema}.${op.table}.${name}`)) continue;
    found.push({ operation: op, loses });
  }
  return found;
}

const liveOf = (column: Column): LiveColumn => ({ type: column.type, generated: column.generated !== undefined });

/** The columns as they are once `op` has run. */
function advance(live: LiveColumns, op: Operation): void {
  switch (op.kind) {
    case "create_table":
      live.set(tableKey(op.schema, op.table), new Map(op.columns.map((c) => [c.name, liveOf(c)])));
      return;
    case "drop_table":
      live.delete(tableKey(op.schema, op.table));
      return;
    case "rename_table": {
      const columns = live.get(tableKey(op.schema, op.from));
      live.delete(tableKey(op.schema, op.from));
      if (columns) live.set(tableKey(op.schema, op.to), columns);
      else live.delete(tableKey(op.schema, op.to));
      return;
    }
  }
  const columns = "table" in op ? live.get(tableKey(op.schema, op.table)) : undefined;
  if (!columns) return;
  switch (op.kind) {
    case "add_column":
      columns.set(op.column.name, liveOf(op.column));
      return;
    case "drop_column":
      columns.delete(op.column.name);
      return;
    case "rename_column": {
      const column = columns.get(op.from);
      columns.delete(op.from);
      if (column) columns.set(op.to, column);
      return;
    }
    case "alter_column": {
      const column = columns.get(op.column);
      const { type, generated } = op.changes;
      if (column) columns.set(op.column, { type: type?.to ?? column.type, generated: column.generated && !generated });
    }
  }
}

/**
 * Which operations can lose data, decided from each operation's type and
 * data, never from SQL text. Each finding says what would be lost.
 */
import { objectLoss } from "./describe_objects.ts";
import type { Operation } from "./operations.ts";

export interface DestructiveChange {
  readonly operation: Operation;
  /** What would be lost, for the user: "table public.users and its rows". */
  readonly loses: string;
}

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

function describe(op: Operation): string | undefined {
  // A hand-written step is opaque: apply announces it instead.
  if (op.kind === "sql") return undefined;
  if (op.kind === "create_object" || op.kind === "drop_object" || op.kind === "alter_object") return objectLoss(op);
  const at = (table: string) => `${op.schema}.${table}`;
  switch (op.kind) {
    case "drop_table":
      return op.partitionOf
        ? `partition ${at(op.table)} (${op.partitionOf.bound}) of ${op.partitionOf.schema}.${op.partitionOf.table} ` +
          "and all its rows"
        : `table ${at(op.table)} and all its rows (columns ${op.columns.join(", ")})`;
    case "drop_column":
      // A generated column's values are derived from others: nothing is lost.
      return op.column.generated !== undefined
        ? undefined
        : `column ${at(op.table)}.${op.column.name} (${op.column.type}) and its values`;
    case "alter_column": {
      const lost: string[] = [];
      const { type, default: def } = op.changes;
      if (type?.using !== undefined) {
        // A hand-written conversion can compute anything: the gate cannot know it keeps the values.
        lost.push(
          `values of ${at(op.table)}.${op.column}, rewritten by USING ${type.using} (${type.from} → ${type.to})`,
        );
      } else if (type && isNarrowing(type.from, type.to)) {
        lost.push(`values of ${at(op.table)}.${op.column} that do not fit ${type.to} (was ${type.from})`);
      }
      if (def && def.from !== undefined && def.to === undefined && !op.changes.serial) {
        lost.push(`the default of ${at(op.table)}.${op.column} (${def.from})`);
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
 * definition), a default the list sets again (or drops itself, reported
 * there), or one that goes with its dropped table, is not reported.
 */
export function destructiveChanges(ops: readonly Operation[]): DestructiveChange[] {
  const recreated = new Set<string>();
  const droppedTables = new Set<string>();
  for (const op of ops) {
    const name = op.kind.startsWith("drop_") ? undefined : objectName(op);
    if (name !== undefined && "table" in op) recreated.add(`${op.schema}.${op.table}.${name}`);
    if (op.kind === "alter_column" && op.changes.default) {
      recreated.add(`${op.schema}.${op.table}.${op.column} default`);
    }
    if (op.kind === "drop_table") droppedTables.add(`${op.schema}.${op.table}`);
  }
  const found: DestructiveChange[] = [];
  for (const op of ops) {
    const loses = describe(op);
    if (loses === undefined) continue;
    if (op.kind !== "drop_table" && "table" in op && droppedTables.has(`${op.schema}.${op.table}`)) continue;
    const name = op.kind === "drop_default" ? `${op.column} default` : objectName(op);
    if (name !== undefined && "table" in op && recreated.has(`${op.schema}.${op.table}.${name}`)) continue;
    found.push({ operation: op, loses });
  }
  return found;
}

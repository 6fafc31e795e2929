/**
 * The one place that decides statement order. Operations run in phases so
 * that every statement finds what it depends on: renames first; foreign keys
 * dropped before anything they point at; tables and columns created before
 * the constraints and foreign keys that use them; foreign keys added last,
 * which also makes cycles between new tables work. Within a phase, order is
 * by qualified name, so the same input always gives byte-identical output.
 */
import { qualifiedName } from "../model/types.ts";
import { type DbObject, objectId, type ObjectKind } from "../model/objects.ts";
import { objectsInDependencyOrder } from "./object_order.ts";
import { attachesIndex, attachmentFollowers, awaitsNotNull, usesIndexBuilt } from "./online.ts";
import { sequencePhase } from "./objects/sequence.ts";
import type { ObjectOperation, Operation, OperationKind } from "./operations.ts";
import { typesInDependencyOrder } from "./type_order.ts";

const PHASES: Record<Exclude<OperationKind, ObjectOperation["kind"]>, number> = {
  create_schema: 0,
  rename_table: 1,
  rename_column: 2,
  rename_constraint: 3,
  rename_index: 3,
  // After the table and column renames (the NOT NULL rename names the table by its new name).
  rename_sequence: 3,
  rename_not_null: 3,
  drop_foreign_key: 4,
  drop_index: 5,
  drop_unique: 5,
  drop_check: 5,
  drop_default: 5,
  drop_primary_key: 6,
  drop_table: 7,
  drop_column: 8,
  create_enum: 9,
  add_enum_value: 10,
  recreate_enum: 10,
  // User types after the enums they may use, before the tables using them;
  // among themselves and domains in dependency order (typesInDependencyOrder).
  create_range_type: 11,
  recreate_range_type: 11,
  create_composite_type: 11,
  alter_composite_type: 11,
  recreate_composite_type: 11,
  // A partition whose bound changes is out of its parent only while new
  // partitions are created (one may take part of its old range), and back
  // before the parent's new columns and keys, which then reach it too.
  detach_partition: 12,
  create_table: 13,
  attach_partition: 14,
  add_column: 15,
  alter_column: 16,
  add_primary_key: 17,
  add_unique: 18,
  add_check: 18,
  create_index: 19,
  // After the indexes (replica identity may use one), before foreign keys (a
  // permanent table's may only point at a table that is logged by then).
  alter_table: 20,
  add_foreign_key: 21,
  alter_constraint: 21,
  validate_constraint: 22,
  set_not_null: 23,
  // An identity added to a column this plan sets NOT NULL follows it at 23.05.
  // Online, keys attached USING INDEX come at 23.1, after their index's build
  // and their columns' SET NOT NULL; foreign keys and their validations follow (23.2, 23.3).
  set_table_comment: 24,
  // After the columns that used them, before the enums they may use.
  drop_composite_type: 25,
  drop_range_type: 25,
  drop_enum: 26,
  // Never planned: hand-written steps keep their place in a file.
  sql: 27,
};

/**
 * Objects other than tables: views are dropped before the tables and columns
 * they read change, and created after; among themselves in dependency order
 * (objectsInDependencyOrder). `alter_object` runs in the create phase.
 */
interface ObjectPhases {
  readonly create: number;
  readonly drop: number;
  /** Dropped to be created again (see domains). */
  readonly rebuild?: number;
  /** The phases of an object that depends on a table. */
  readonly readingTable?: { readonly create: number; readonly drop: number };
}

const OBJECT_PHASES: Record<ObjectKind, ObjectPhases> = {
  view: { create: 24.5, drop: 3.5 },
  materialized_view: { create: 24.5, drop: 3.5 },
  // After the tables they guard and the functions they call; dropped before either changes.
  policy: { create: 24.6, drop: 3.4 },
  // With the composite and range types, among them in dependency order (a domain in a composite, a
  // composite under a domain): after the enums they may use, before the tables; dropped after those.
  // A domain with a new base type is dropped right before the types are created (nothing uses it then).
  domain: { create: 11, drop: 25, rebuild: 10.4 },
  // Extensions first (tables, types and functions use theirs) and dropped last.
  extension: { create: 0.5, drop: 26.5 },
  // Before the tables whose defaults call them; dropped after those defaults are.
  sequence: { create: 12.5, drop: 25.5 },
  // Before the tables whose defaults and checks call them, dropped after those
  // go; one that reads a table's row type (setof users, a SQL-standard body)
  // waits for the table's columns, and goes before they change.
  function: { create: 12.5, drop: 8.5, readingTable: { create: 16.5, drop: 3.5 } },
  procedure: { create: 12.5, drop: 8.5, readingTable: { create: 16.5, drop: 3.5 } },
  // After their tables and functions; dropped before the renames, under their table's old name.
  trigger: { create: 24.6, drop: 0.5 },
};

const objectPhases = (o: DbObject) => {
  const phases = OBJECT_PHASES[o.kind];
  return phases.readingTable && o.dependsOn?.some((id) => id.startsWith("table:")) ? phases.readingTable : phases;
};

function createPhase(to: DbObject, from?: DbObject): number {
  return (to.kind === "sequence" ? sequencePhase(to, from) : undefined) ?? objectPhases(to).create;
}

function phaseOf(op: Operation, followers: ReadonlySet<Operation>, ops: readonly Operation[]): number {
  if (awaitsNotNull(op, ops)) return 23.05;
  // A partition's new bound proved by a validated check, like SET NOT NULL (online.ts).
  if (op.kind === "attach_partition" && op.check) return PHASES.set_not_null;
  if (attachesIndex(op) || usesIndexBuilt(op, ops)) return 23.1;
  if (followers.has(op)) return op.kind === "add_foreign_key" ? 23.2 : 23.3;
  switch (op.kind) {
    case "create_object":
      return createPhase(op.object);
    case "alter_object":
      return createPhase(op.to, op.from);
    case "drop_object":
      return (op.recreated ? OBJECT_PHASES[op.object.kind].rebuild : undefined) ?? objectPhases(op.object).drop;
    default:
      return PHASES[op.kind];
  }
}

/**
 * Within their phase, partitions are created after the parents created with
 * them and dropped before the parents dropped with them (dropping a parent
 * drops its partitions).
 */
function partitionDepths(ops: readonly Operation[]): Map<Operation, number> {
  const depths = new Map<Operation, number>();
  for (const kind of ["create_table", "drop_table"] as const) {
    const parents = new Map<string, string | undefined>();
    for (const op of ops) {
      if (op.kind !== kind) continue;
      const parent = op.partitionOf && qualifiedName(op.partitionOf.schema, op.partitionOf.table);
      parents.set(qualifiedName(op.schema, op.table), parent);
    }
    const depth = (name: string): number => {
      const parent = parents.get(name);
      return parent !== undefined && parents.has(parent) ? 1 + depth(parent) : 0;
    };
    const sign = kind === "create_table" ? 1 : -1;
    for (const op of ops) if (op.kind === kind) depths.set(op, sign * depth(qualifiedName(op.schema, op.table)));
  }
  return depths;
}

function sortKey(op: Operation): string {
  if (op.kind === "create_object" || op.kind === "drop_object") return objectId(op.object);
  if (op.kind === "alter_object") return objectId(op.to);
  const parts: string[] = ["schema" in op ? op.schema : ""];
  if ("table" in op) parts.push(op.table);
  if ("name" in op) parts.push(op.name);
  if ("from" in op && typeof op.from === "string") parts.push(op.from);
  if ("column" in op) parts.push(typeof op.column === "string" ? op.column : op.column.name);
  for (const key of ["primaryKey", "unique", "foreignKey", "check", "index"] as const) {
    if (key in op) parts.push((op as unknown as Record<string, { name: string }>)[key].name);
  }
  return parts.join("\u0000");
}

/**
 * The create phase of a routine reading, through objects created with it (a view, another routine), a table:
 * it waits as one reading the table itself does, or dependency order pulls the view ahead of its table.
 */
function readingThroughPhase(ops: readonly Operation[]): (op: Operation) => number | undefined {
  const created = new Map<string, DbObject>();
  for (const op of ops) {
    if (op.kind === "create_object") created.set(objectId(op.object), op.object);
    if (op.kind === "alter_object") created.set(objectId(op.to), op.to);
  }
  const reads = (id: string, seen: Set<string>): boolean => {
    const o = created.get(id);
    if (!o || seen.has(id)) return false;
    seen.add(id);
    return (o.dependsOn ?? []).some((d) => d.startsWith("table:") || reads(d, seen));
  };
  return (op) => {
    if (op.kind !== "create_object" && op.kind !== "alter_object") return undefined;
    const o = op.kind === "create_object" ? op.object : op.to;
    const phases = OBJECT_PHASES[o.kind].readingTable;
    return phases && reads(objectId(o), new Set()) ? phases.create : undefined;
  };
}

export function orderOperations(ops: readonly Operation[]): Operation[] {
  // Enum labels keep their declared order, so add_enum_value keeps its input order.
  const depths = partitionDepths(ops);
  const followers = attachmentFollowers(ops);
  const readingThrough = readingThroughPhase(ops);
  const sorted = ops
    .map((op, index) => ({
      op,
      index,
      phase: readingThrough(op) ?? phaseOf(op, followers, ops),
      depth: depths.get(op) ?? 0,
      key: sortKey(op),
    }))
    .sort((a, b) =>
      a.phase - b.phase || a.depth - b.depth ||
      (a.op.kind === "add_enum_value" && b.op.kind === "add_enum_value"
        ? a.index - b.index
        : a.key < b.key
        ? -1
        : a.key > b.key
        ? 1
        : a.index - b.index)
    )
    .map(({ op }) => op);
  return objectsInDependencyOrder(typesInDependencyOrder(sorted));
}

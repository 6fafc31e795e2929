/**
 * The one place that decides statement order. Operations run in phases so
 * that every statement finds what it depends on: renames first; foreign keys
 * dropped before anything they point at; tables and columns created before
 * the constraints and foreign keys that use them; foreign keys added last,
 * which also makes cycles between new tables work. Within a phase, order is
 * by qualified name, so the same input always gives byte-identical output.
 */
import type { Operation, OperationKind } from "./operations.ts";
import { typesInDependencyOrder } from "./type_order.ts";

const PHASES: Record<OperationKind, number> = {
  create_schema: 0,
  rename_table: 1,
  rename_column: 2,
  rename_constraint: 3,
  rename_index: 3,
  drop_foreign_key: 4,
  drop_index: 5,
  drop_unique: 5,
  drop_check: 5,
  drop_primary_key: 6,
  drop_table: 7,
  drop_column: 8,
  create_enum: 9,
  add_enum_value: 10,
  recreate_enum: 10,
  // User types after the enums they may use, before the tables using them;
  // among themselves in dependency order (typesInDependencyOrder).
  create_range_type: 10.5,
  recreate_range_type: 10.5,
  create_composite_type: 10.5,
  alter_composite_type: 10.5,
  recreate_composite_type: 10.5,
  create_table: 11,
  add_column: 12,
  alter_column: 13,
  add_primary_key: 14,
  add_unique: 15,
  add_check: 15,
  create_index: 16,
  // After the indexes (replica identity may use one), before foreign keys (a
  // permanent table's may only point at a table that is logged by then).
  alter_table: 17,
  add_foreign_key: 18,
  validate_constraint: 19,
  set_not_null: 20,
  set_table_comment: 21,
  // After the columns that used them, before the enums they may use.
  drop_composite_type: 21.5,
  drop_range_type: 21.5,
  drop_enum: 22,
  // Never planned: hand-written steps keep their place in a file.
  sql: 23,
};

function sortKey(op: Operation): string {
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

export function orderOperations(ops: readonly Operation[]): Operation[] {
  // Enum labels keep their declared order, so add_enum_value keeps its input order.
  const sorted = ops
    .map((op, index) => ({ op, index, phase: PHASES[op.kind], key: sortKey(op) }))
    .sort((a, b) =>
      a.phase - b.phase ||
      (a.op.kind === "add_enum_value" && b.op.kind === "add_enum_value"
        ? a.index - b.index
        : a.key < b.key
        ? -1
        : a.key > b.key
        ? 1
        : a.index - b.index)
    )
    .map(({ op }) => op);
  return typesInDependencyOrder(sorted);
}

/**
 * Column type changes PostgreSQL refuses whatever the rows hold, found in
 * the plan and the desired model alone: a column a generated column reads,
 * and a partition key column (a changed type, or an enum rebuilt under it).
 */
import type { Operation } from "./diff/operations.ts";
import type { SchemaModel } from "./model/schema_model.ts";
import { mentionsColumn } from "./model/normalize.ts";
import { qualifiedName, type Table } from "./model/types.ts";

/** As blockers.ts's Blocker: the object, and why with what to do. */
export function retypeBlockers(
  ops: readonly Operation[],
  desired: Pick<SchemaModel, "tables">,
): { object: string; reason: string }[] {
  const tables = new Map(desired.tables.map((t) => [qualifiedName(t.schema, t.name), t]));
  const retyped = ops.flatMap((op) =>
    op.kind === "alter_column" && op.changes.type
      ? [{ schema: op.schema, table: op.table, column: op.column }]
      : op.kind === "recreate_enum"
      ? op.columns.map((c) => ({ schema: c.schema, table: c.table, column: c.column }))
      : []
  );
  return retyped.flatMap(({ schema, table, column }) => {
    const t = tables.get(qualifiedName(schema, table));
    const why = t && refusal(t, column);
    return why ? [{ object: `${schema}.${table}.${column}`, reason: why }] : [];
  });
}

function refusal(table: Table, column: string): string | undefined {
  if (table.partitionBy?.keys.some((k) => (k.expression ? mentionsColumn(k.column, column) : k.column === column))) {
    return "is in the partition key, whose type PostgreSQL cannot change; create a new partitioned table with the " +
      "new type and move the rows (an sql step), or keep the type";
  }
  const readers = table.columns.filter((c) => c.generated !== undefined && mentionsColumn(c.generated, column));
  if (readers.length > 0) {
    return `is read by generated column ${readers.map((c) => c.name).join(", ")}, so PostgreSQL cannot change its ` +
      "type; remove generatedAs in one migration, change the type, then bring it back";
  }
  return undefined;
}

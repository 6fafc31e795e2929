/**
 * The differ: actual model + desired model → operations, by set arithmetic
 * over qualified names, one module per object kind. No I/O, no SQL.
 * `orderOperations` then puts the result into dependency order.
 */
import type { SchemaModel } from "../model/types.ts";
import { diffCompositeTypes } from "./composite_types.ts";
import { diffEnums, enumColumns, rebuiltEnumTypes } from "./enums.ts";
import type { Operation } from "./operations.ts";
import { orderOperations } from "./order.ts";
import { diffRangeTypes } from "./range_types.ts";
import { diffTables } from "./tables.ts";

export function diffSchemas(actual: SchemaModel, desired: SchemaModel): Operation[] {
  const ops: Operation[] = [];
  const existingSchemas = new Set(actual.schemas);
  for (const schema of desired.schemas) {
    if (!existingSchemas.has(schema)) ops.push({ kind: "create_schema", schema });
  }
  const tableOps = diffTables(actual.tables, desired.tables, rebuiltEnumTypes(actual.enums, desired.enums));
  ops.push(...diffEnums(actual.enums, desired.enums, enumColumns(actual.tables, desired.tables, tableOps)));
  ops.push(...tableOps);
  ops.push(...diffCompositeTypes(actual.composites, desired.composites));
  ops.push(...diffRangeTypes(actual.ranges, desired.ranges));
  return orderOperations(ops);
}

/**
 * The differ: actual model + desired model → operations, by set arithmetic
 * over qualified names, one module per object kind. No I/O, no SQL.
 * `orderOperations` then puts the result into dependency order.
 */
import { qualifiedName } from "../model/types.ts";
import type { SchemaModel } from "../model/schema_model.ts";
import { diffCompositeTypes } from "./composite_types.ts";
import { diffObjects } from "./objects.ts";
import { diffEnums, enumColumns, rebuiltEnumTypes } from "./enums.ts";
import type { Operation } from "./operations.ts";
import { onlineOperations } from "./online.ts";
import { orderOperations } from "./order.ts";
import { diffRangeTypes } from "./range_types.ts";
import { diffTables } from "./tables.ts";
import { callerRebuilds } from "./routine_callers.ts";
import type { RoutineCaller } from "../model/objects/function.ts";
import { userTypeName } from "../model/from_config.ts";

export interface DiffOptions {
  /** Plan the changes to existing tables as online DDL (diff/online.ts). */
  readonly online?: boolean;
  /** The defaults, checks and indexes calling routines the plan drops (see routine_callers.ts). */
  readonly callers?: readonly RoutineCaller[];
}

/** Object kinds that are relations, whose names a table's sequence cannot take. */
const RELATIONS = new Set(["sequence", "view", "materialized_view"]);

export function diffSchemas(actual: SchemaModel, desired: SchemaModel, options: DiffOptions = {}): Operation[] {
  const ops: Operation[] = [];
  const existingSchemas = new Set(actual.schemas);
  for (const schema of desired.schemas) {
    if (!existingSchemas.has(schema)) ops.push({ kind: "create_schema", schema });
  }
  const enums = new Set([...actual.enums, ...desired.enums].map((e) => userTypeName(e.schema, e.name)));
  const tableOps = diffTables(actual.tables, desired.tables, {
    rebuilt: rebuiltEnumTypes(actual.enums, desired.enums),
    enums,
    regenerated: new Set(
      (options.callers ?? []).flatMap((c) => (c.kind === "generated" ? [`${c.schema}.${c.table}.${c.name}`] : [])),
    ),
    relations: [...actual.objects, ...desired.objects].filter((o) => RELATIONS.has(o.kind)),
  });
  ops.push(...diffEnums(actual.enums, desired.enums, enumColumns(actual.tables, desired.tables, tableOps)));
  ops.push(...tableOps);
  ops.push(...diffCompositeTypes(actual.composites, desired.composites));
  ops.push(...diffRangeTypes(actual.ranges, desired.ranges));
  ops.push(...diffObjects(actual, desired, tableOps));
  if (options.callers) ops.push(...callerRebuilds(ops, options.callers, actual.tables, desired.tables));
  const partitioned = new Map(
    [...actual.tables, ...desired.tables].flatMap((t) =>
      t.partitionBy ? [[qualifiedName(t.schema, t.name), t.partitionBy] as const] : []
    ),
  );
  return orderOperations(options.online ? onlineOperations(ops, partitioned) : ops);
}

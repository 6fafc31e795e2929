/**
 * Operations → PostgreSQL statements. The only module that writes DDL, one
 * file per object kind under `compile/`. The merged table is typed
 * `{ [K in OperationKind]: ... }`, so a new operation kind does not compile
 * until some kind's module handles it.
 */
import type { Operation, OperationKind, OperationOf } from "../../diff/operations.ts";
import type { Compile } from "./compile/common.ts";
import { compositeTypeCompilers } from "./compile/composite_types.ts";
import { constraintCompilers } from "./compile/constraints.ts";
import { enumCompilers } from "./compile/enums.ts";
import { indexCompilers } from "./compile/indexes.ts";
import { derivedNameCompilers } from "./compile/derived_names.ts";
import { rangeTypeCompilers } from "./compile/range_types.ts";
import { objectCompilers } from "./compile/objects.ts";
import { partitionCompilers } from "./compile/partitions.ts";
import { tableCompilers } from "./compile/tables.ts";

export { needsUsing } from "./compile/columns.ts";

const COMPILERS: { [K in OperationKind]: Compile<K> } = {
  ...tableCompilers,
  ...enumCompilers,
  ...constraintCompilers,
  ...indexCompilers,
  ...derivedNameCompilers,
  ...partitionCompilers,
  ...objectCompilers,
  ...compositeTypeCompilers,
  ...rangeTypeCompilers,
  sql: (op) => [op.sql],
};

/** The statements for one operation, in execution order. */
export function compileOperation(op: Operation): string[] {
  return (COMPILERS[op.kind] as Compile<typeof op.kind>)(op);
}

/** Operations PostgreSQL will not run inside a transaction block. */
export function runsOutsideTransaction(op: Operation): op is OperationOf<"create_index" | "drop_index" | "sql"> {
  return (op.kind === "create_index" && op.index.concurrently === true) ||
    (op.kind === "drop_index" && op.concurrently === true) || (op.kind === "sql" && op.transaction === false);
}

/** Range types: create, drop, rebuild (PostgreSQL cannot alter one). */
import type { RangeDefinition } from "../../../model/types.ts";
import { qualified } from "../quote.ts";
import type { Compilers } from "./common.ts";

function create(schema: string, name: string, d: RangeDefinition): string {
  const options = [
    `SUBTYPE = ${d.subtype}`,
    ...(d.subtypeOpclass ? [`SUBTYPE_OPCLASS = ${d.subtypeOpclass}`] : []),
    ...(d.collation ? [`COLLATION = ${d.collation}`] : []),
    ...(d.subtypeDiff ? [`SUBTYPE_DIFF = ${d.subtypeDiff}`] : []),
    ...(d.multirange ? [`MULTIRANGE_TYPE_NAME = ${qualified(d.multirange.schema, d.multirange.name)}`] : []),
  ];
  return `CREATE TYPE ${qualified(schema, name)} AS RANGE (${options.join(", ")})`;
}

export const rangeTypeCompilers: Compilers<"create_range_type" | "drop_range_type" | "recreate_range_type"> = {
  create_range_type: (op) => [create(op.schema, op.name, op.definition)],
  // Its multirange type goes with it.
  drop_range_type: (op) => [`DROP TYPE ${qualified(op.schema, op.name)}`],
  recreate_range_type: (op) => [`DROP TYPE ${qualified(op.schema, op.name)}`, create(op.schema, op.name, op.to)],
};

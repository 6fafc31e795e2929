/** Partitioning: `PARTITION BY`, `PARTITION OF`, attach and detach. */
import type { PartitionBy, PartitionOf } from "../../../model/types.ts";
import { ident, qualified } from "../quote.ts";
import type { Compilers } from "./common.ts";

export const partitionCompilers: Compilers<"attach_partition" | "detach_partition"> = {
  attach_partition: (op) => [
    ...(op.detachFrom
      ? [`ALTER TABLE ${parentOf(op.detachFrom)} DETACH PARTITION ${qualified(op.schema, op.table)}`]
      : []),
    `ALTER TABLE ${parentOf(op.partitionOf)} ATTACH PARTITION ${
      qualified(op.schema, op.table)
    } ${op.partitionOf.bound}`,
    ...(op.check ? [`ALTER TABLE ${qualified(op.schema, op.table)} DROP CONSTRAINT ${ident(op.check)}`] : []),
  ],
  detach_partition: (op) => [
    `ALTER TABLE ${parentOf(op.partitionOf)} DETACH PARTITION ${qualified(op.schema, op.table)}`,
  ],
};

const parentOf = (p: PartitionOf) => qualified(p.schema, p.table);

/** ` PARTITION BY RANGE ("at", (lower(x)) COLLATE "C" text_pattern_ops)`. */
export function partitionByClause(p: PartitionBy): string {
  const keys = p.keys.map((k) => {
    let key = k.expression ? `(${k.column})` : ident(k.column);
    if (k.collation) key += ` COLLATE ${k.collation}`;
    if (k.opclass) key += ` ${k.opclass}`;
    return key;
  });
  return ` PARTITION BY ${p.strategy.toUpperCase()} (${keys.join(", ")})`;
}

/** `PARTITION OF "public"."events" (constraints) FOR VALUES ...`, after the table's name. */
export function partitionOfClause(p: PartitionOf, constraints: readonly string[]): string {
  const own = constraints.length > 0 ? ` (\n${constraints.map((c) => `  ${c}`).join(",\n")}\n)` : "";
  return ` PARTITION OF ${parentOf(p)}${own} ${p.bound}`;
}

/**
 * Declarative partitioning inputs: the `partitionBy` table option and the
 * bounds of partitions (`definePartition` in `table.ts`).
 */
import type { PartitionStrategy } from "../../model/types.ts";

export type { PartitionStrategy };

/** One partition key: a column name, or `{ column | expression, collation?, opclass? }`. */
export type PartitionKeyInput =
  | string
  | {
    /** A column name... */
    column?: string;
    /** ...or a SQL expression, e.g. `"lower(email)"` or `"date_trunc('day', at)"`. */
    expression?: string;
    /** `COLLATE`, e.g. `"C"`. */
    collation?: string;
    /** Operator class, e.g. `"text_pattern_ops"`. */
    opclass?: string;
  };

/** `PARTITION BY RANGE | LIST | HASH (keys)`: `{ strategy: "range", keys: ["created_at"] }`. */
export interface PartitionByInput {
  strategy: PartitionStrategy;
  keys: PartitionKeyInput[];
}

/** A value in a partition bound: written as a SQL literal (`'2024-01-01'`, `10`, `true`, `NULL`). */
export type PartitionValue = string | number | boolean | null;

/**
 * Which rows a partition holds:
 * - `{ from: ["2024-01-01"], to: ["2025-01-01"] }` (range: `from` included, `to` excluded),
 * - `{ in: ["fr", "de"] }` (list),
 * - `{ modulus: 4, remainder: 0 }` (hash),
 * - `"DEFAULT"` (the rows no other partition takes),
 * - or the SQL as PostgreSQL prints it: `"FOR VALUES FROM (MINVALUE) TO ('2024-01-01')"`.
 */
export type PartitionBoundInput =
  | string
  | { from: PartitionValue[]; to: PartitionValue[] }
  | { in: PartitionValue[] }
  | { modulus: number; remainder: number };

/**
 * Partitioning in the desired model: `partitionBy` keys and partition bounds
 * from the config, the parent's columns lent to each partition, and the
 * checks PostgreSQL would otherwise make halfway through a migration.
 */
import type { ValidPartitionBound, ValidPartitionBy, ValidTable } from "../config/schema.ts";
import { literal } from "../dialect/postgres/quote.ts";
import { ConfigIssue } from "./checks.ts";
import { collationName } from "./names.ts";
import type { PartitionBy, PartitionKey, Table } from "./types.ts";
import { qualifiedName } from "./types.ts";

/** `(name, path)` → the qualified name of a table as the config names it. */
type Qualify = (name: string, path: string) => string;

/**
 * The config's tables with each partition given its root table's columns
 * (names, types and collations only), so its constraints can name them.
 */
export function inheritParentColumns(tables: readonly ValidTable[], qualify: Qualify): ValidTable[] {
  const byName = new Map(tables.map((t, i) => [qualify(t.name, `tables[${i}].name`), i]));
  const root = (i: number, seen: Set<number>): ValidTable => {
    const table = tables[i];
    if (!table.partitionOf) return table;
    const path = `tables[${i}].partitionOf.table`;
    const parent = byName.get(qualify(table.partitionOf.table, path));
    if (parent === undefined) {
      throw new ConfigIssue(
        path,
        `table "${table.name}" is a partition of "${table.partitionOf.table}", which is not in the config`,
      );
    }
    if (seen.has(parent)) {
      throw new ConfigIssue(path, `table "${table.name}" is, through its parents, its own partition`);
    }
    return root(parent, new Set([...seen, parent]));
  };
  return tables.map((table, i) => {
    if (!table.partitionOf) return table;
    if (Object.keys(table.columns).length > 0) {
      throw new ConfigIssue(
        `tables[${i}].columns`,
        `partition "${table.name}" declares columns; a partition has exactly its parent's columns`,
      );
    }
    const columns = Object.fromEntries(
      Object.entries(root(i, new Set([i])).columns).map(([name, c]) => [name, {
        kind: c.kind,
        type: c.type,
        ...(c.enum ? { enum: c.enum } : {}),
        ...(c.collation ? { collation: c.collation } : {}),
      }]),
    );
    return { ...table, columns };
  });
}

/** The config's `partitionBy` → the model's, keys checked against the table's columns. */
export function desiredPartitionBy(input: ValidPartitionBy, table: ValidTable, path: string): PartitionBy {
  if (input.strategy === "list" && input.keys.length > 1) {
    throw new ConfigIssue(`${path}.keys`, "list partitioning takes exactly one key (PostgreSQL refuses more)");
  }
  const keys = input.keys.map((key, i): PartitionKey => {
    const at = `${path}.keys[${i}]`;
    const k = typeof key === "string" ? { column: key } : key;
    if (k.column !== undefined && !(k.column in table.columns)) {
      throw new ConfigIssue(at, `column "${k.column}" is not a column of table "${table.name}"`);
    }
    const collation = k.collation !== undefined ? collationName(k.collation) : undefined;
    const own = k.column !== undefined ? table.columns[k.column].collation : undefined;
    return {
      column: k.expression !== undefined ? k.expression.trim() : k.column!,
      ...(k.expression !== undefined ? { expression: true } : {}),
      ...(k.opclass ? { opclass: k.opclass.toLowerCase() } : {}),
      ...(collation && collation !== (own && collationName(own)) ? { collation } : {}),
    };
  });
  return { strategy: input.strategy, keys };
}

const boundValue = (v: string | number | boolean | null) =>
  v === null ? "NULL" : typeof v === "string" ? literal(v) : String(v);

/** A bound as SQL text: `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`, `DEFAULT`. */
export function boundText(bound: ValidPartitionBound, path: string): string {
  if (typeof bound !== "string") {
    if ("from" in bound) {
      return `FOR VALUES FROM (${bound.from.map(boundValue).join(", ")}) TO (${bound.to.map(boundValue).join(", ")})`;
    }
    if ("in" in bound) return `FOR VALUES IN (${bound.in.map(boundValue).join(", ")})`;
    if (bound.remainder >= bound.modulus) {
      throw new ConfigIssue(
        path,
        `the remainder (${bound.remainder}) must be less than the modulus (${bound.modulus})`,
      );
    }
    return `FOR VALUES WITH (modulus ${bound.modulus}, remainder ${bound.remainder})`;
  }
  const text = bound.trim().replace(/\s+/g, " ");
  if (/^default$/i.test(text)) return "DEFAULT";
  if (!/^for values (from|in|with)\b/i.test(text)) {
    throw new ConfigIssue(
      path,
      `cannot read the partition bound "${bound}": expected FOR VALUES FROM / IN / WITH ... or DEFAULT`,
    );
  }
  return text;
}

/** The kind of bound a strategy takes, and whether it allows a default partition. */
const BOUND_OF: Record<PartitionBy["strategy"], { pattern: RegExp; sql: string; default: boolean }> = {
  range: { pattern: /^for values from\b/i, sql: "FOR VALUES FROM (...) TO (...) or { from, to }", default: true },
  list: { pattern: /^for values in\b/i, sql: "FOR VALUES IN (...) or { in }", default: true },
  hash: {
    pattern: /^for values with\b/i,
    sql: "FOR VALUES WITH (modulus m, remainder r) or { modulus, remainder }",
    default: false,
  },
};

/**
 * What PostgreSQL refuses about partitioning, found when the config loads:
 * a parent that is not partitioned, a bound of the wrong kind, options a
 * partitioned table cannot have, keys that leave out a partition column.
 */
export function checkPartitions(tables: readonly Table[]): void {
  const byName = new Map(tables.map((t) => [qualifiedName(t.schema, t.name), t]));
  tables.forEach((table, i) => {
    const at = `tables[${i}]`;
    const name = `${table.schema}.${table.name}`;
    if (table.partitionOf) {
      const parentName = qualifiedName(table.partitionOf.schema, table.partitionOf.table);
      const strategy = byName.get(parentName)?.partitionBy?.strategy;
      if (!strategy) {
        throw new ConfigIssue(
          `${at}.partitionOf`,
          `table ${name} is a partition of ${parentName}, which is not partitioned; give it partitionBy`,
        );
      }
      const bound = table.partitionOf.bound;
      const kind = BOUND_OF[strategy];
      if (bound === "DEFAULT" ? !kind.default : !kind.pattern.test(bound)) {
        throw new ConfigIssue(
          `${at}.partitionOf.bound`,
          `partition ${name} has the bound ${bound}, but ${parentName} is partitioned by ${strategy}, ` +
            `which takes ${kind.sql}${kind.default ? " or DEFAULT" : " (and has no default partition)"}`,
        );
      }
    }
    if (table.partitionBy) checkPartitioned(table, at);
  });
}

function checkPartitioned(table: Table, at: string): void {
  const name = `${table.schema}.${table.name}`;
  const refuse = (path: string, what: string) => {
    throw new ConfigIssue(path, `table ${name} is partitioned, and ${what}`);
  };
  if (table.with) refuse(`${at}.with`, "a partitioned table has no storage parameters (set them on its partitions)");
  if (table.unlogged) refuse(`${at}.unlogged`, "a partitioned table cannot be unlogged (its partitions can)");
  const keys = table.partitionBy!.keys;
  const keyColumns = keys.filter((k) => !k.expression).map((k) => k.column);
  const unique = [
    ...(table.primaryKey ? [{ what: `primary key ${table.primaryKey.name}`, columns: table.primaryKey.columns }] : []),
    ...table.uniques.map((u) => ({ what: `unique constraint ${u.name}`, columns: u.columns })),
    ...table.indexes.filter((i) => i.unique).map((i) => ({
      what: `unique index ${i.name}`,
      columns: i.keys.map((k) => (k.expression ? "" : k.column)),
    })),
  ];
  for (const key of unique) {
    if (keys.some((k) => k.expression) || keyColumns.some((c) => !key.columns.includes(c))) {
      refuse(
        `${at}.constraints`,
        `its ${key.what} (${key.columns.join(", ")}) does not include every partition key column ` +
          `(${keyColumns.join(", ")}); PostgreSQL requires it${
            keys.some((k) => k.expression) ? ", and refuses unique keys when the partition key has an expression" : ""
          }`,
      );
    }
  }
  for (const index of table.indexes) {
    if (index.concurrently) {
      refuse(`${at}.constraints`, `PostgreSQL cannot build its index ${index.name} concurrently; drop concurrently`);
    }
  }
}

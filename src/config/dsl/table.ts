/** Tables: `defineTable(name, columns, (t) => [constraints and indexes], options)`. */
import type { Deferrable, ReferentialAction, ReplicaIdentity } from "../../model/types.ts";
import type { ColumnDefinition } from "./column.ts";
import type { PartitionBoundInput, PartitionByInput } from "./partition.ts";

export type { ReferentialAction };

/** Storage parameters, e.g. `{ fillfactor: 70, autovacuum_enabled: false, "toast.autovacuum_enabled": false }`. */
export type StorageParameterInput = Readonly<Record<string, string | number | boolean>>;

export interface PrimaryKeyOptions {
  name?: string;
  /** `DEFERRABLE INITIALLY IMMEDIATE | DEFERRED`: checked at commit when deferred. */
  deferrable?: Deferrable;
}

export interface PrimaryKeyDefinition extends PrimaryKeyOptions {
  readonly kind: "primaryKey";
  readonly columns: readonly string[];
}

export interface UniqueOptions {
  name?: string;
  /** `UNIQUE NULLS NOT DISTINCT` (PostgreSQL 15+): NULLs count as equal. */
  nullsNotDistinct?: boolean;
  /** `DEFERRABLE INITIALLY IMMEDIATE | DEFERRED`. A deferrable key cannot be a foreign key's target. */
  deferrable?: Deferrable;
}

export interface UniqueDefinition extends UniqueOptions {
  readonly kind: "unique";
  readonly columns: readonly string[];
}

/** One index key: a column or an expression, with its sort options. */
export type IndexKeyInput =
  | string
  | {
    /** A column name... */
    column?: string;
    /** ...or a SQL expression, e.g. `"lower(email)"`. */
    expression?: string;
    order?: "asc" | "desc";
    nulls?: "first" | "last";
    /** Operator class, e.g. `"text_pattern_ops"`. */
    opclass?: string;
    /** `COLLATE`, e.g. `"C"`. */
    collation?: string;
  };

export interface IndexOptions {
  unique?: boolean;
  name?: string;
  /** Access method: `btree` (default), `hash`, `gin`, `gist`, `brin`, ... */
  using?: string;
  /** A partial index: `WHERE` predicate as SQL text. */
  where?: string;
  /** Non-key columns stored in the index (`INCLUDE`). */
  include?: string[];
  /** `NULLS NOT DISTINCT` on a unique index (PostgreSQL 15+). */
  nullsNotDistinct?: boolean;
  /** Storage parameters, e.g. `{ fillfactor: 70, deduplicate_items: false }`. */
  with?: StorageParameterInput;
  /** Build with `CREATE INDEX CONCURRENTLY` (runs outside a transaction). */
  concurrently?: boolean;
}

export interface IndexDefinition extends IndexOptions {
  readonly kind: "index";
  readonly columns: readonly IndexKeyInput[];
}

export interface CheckOptions {
  name?: string;
  /** `NO INHERIT`: not applied to child tables. */
  noInherit?: boolean;
  /** Added `NOT VALID`: existing rows are not checked (new ones are). */
  notValid?: boolean;
}

export interface CheckDefinition extends CheckOptions {
  readonly kind: "check";
  /** A boolean SQL expression, e.g. `"price > 0"`. */
  readonly expression: string;
}

export interface ReferenceOptions {
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
  name?: string;
  /** `DEFERRABLE INITIALLY IMMEDIATE` or `... DEFERRED`. */
  deferrable?: Deferrable;
  /** `MATCH FULL`: all key columns NULL or none (default `MATCH SIMPLE`). */
  match?: "full" | "simple";
  /** Added `NOT VALID`: existing rows are not checked (new ones are). */
  notValid?: boolean;
  /** Accepted for configs written for @izumisy/kyrage; kyrage orders foreign keys itself, so it has no effect. */
  inline?: boolean;
}

export interface ReferenceDefinition extends ReferenceOptions {
  readonly kind: "reference";
  readonly columns: readonly string[];
  /** The referenced table's name (`"users"` or `"billing.accounts"`). */
  readonly table: string;
  readonly refColumns: readonly string[];
}

export type ConstraintDefinition =
  | PrimaryKeyDefinition
  | UniqueDefinition
  | IndexDefinition
  | ReferenceDefinition
  | CheckDefinition;

/** Options of {@link defineTable}. */
export interface TableOptions {
  /** The table's previous name: kyrage renames instead of drop + create. */
  renamedFrom?: string;
  /** COMMENT ON TABLE. */
  comment?: string;
  /** Storage parameters: `{ fillfactor: 70, autovacuum_enabled: false, "toast.autovacuum_enabled": false }`. */
  with?: StorageParameterInput;
  /** `UNLOGGED`: faster writes, not crash-safe, not replicated. */
  unlogged?: boolean;
  /** `REPLICA IDENTITY` for logical replication: `"full"`, `"nothing"`, `{ index: "name" }`; default the primary key. */
  replicaIdentity?: ReplicaIdentity | "default";
  /**
   * Row-level security: `true` enables it (rows are then visible only through
   * policies, see `definePolicy`, except to the owner), `"force"` applies the
   * policies to the table's owner too.
   */
  rowLevelSecurity?: boolean | "force";
  /** Partition the table: `{ strategy: "range", keys: ["created_at"] }`; see `definePartition`. */
  partitionBy?: PartitionByInput;
}

export interface TableDefinition extends TableOptions {
  readonly kind: "table";
  /** `"users"`, or schema-qualified: `"billing.invoices"`; a name with a dot is quoted: `'"my.table"'`. */
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnDefinition>>;
  readonly constraints: readonly ConstraintDefinition[];
  /** Set by `definePartition`: the parent table's name and the partition's bound. */
  readonly partitionOf?: { readonly table: string; readonly bound: PartitionBoundInput };
}

/** Builders passed to the constraints callback of {@link defineTable}. */
export interface TableBuilder {
  primaryKey(columns: string[], options?: PrimaryKeyOptions): PrimaryKeyDefinition;
  unique(columns: string[], options?: UniqueOptions): UniqueDefinition;
  /** Keys are column names or `{ column | expression, order?, nulls?, opclass?, collation? }`. */
  index(columns: IndexKeyInput[], options?: IndexOptions): IndexDefinition;
  /** A CHECK constraint; compared in PostgreSQL's normalized form. */
  check(expression: string, options?: CheckOptions): CheckDefinition;
  /**
   * A foreign key from `columns` to `refColumns` of `table`; a single column may be given as a string. `table`
   * may also be `{ tableName }`, as @izumisy/kyrage's configs name a table not defined yet.
   */
  reference(
    columns: string | string[],
    table: string | TableDefinition | { readonly tableName: string },
    refColumns: string | string[],
    options?: ReferenceOptions,
  ): ReferenceDefinition;
}

const tableBuilder: TableBuilder = {
  primaryKey: (columns, options) => ({ kind: "primaryKey", columns, ...options }),
  unique: (columns, options) => ({ kind: "unique", columns, ...options }),
  index: (columns, options) => ({ kind: "index", columns, ...options }),
  check: (expression, options) => ({ kind: "check", expression, ...options }),
  reference: (columns, table, refColumns, { inline: _, ...options } = {}) => ({
    kind: "reference",
    columns: typeof columns === "string" ? [columns] : columns,
    table: typeof table === "string" ? table : "tableName" in table ? table.tableName : table.name,
    refColumns: typeof refColumns === "string" ? [refColumns] : refColumns,
    ...options,
  }),
};

/**
 * A table: `defineTable("posts", { id: column("uuid", { primaryKey: true }) },
 * (t) => [t.index(["title"])])`.
 */
export function defineTable(
  name: string,
  columns: Record<string, ColumnDefinition>,
  constraints?: (t: TableBuilder) => ConstraintDefinition[],
  options: TableOptions = {},
): TableDefinition {
  return {
    kind: "table",
    name,
    columns,
    constraints: constraints ? constraints(tableBuilder) : [],
    ...options,
  };
}

/** Options of {@link definePartition}: a partition's own attributes (its columns are its parent's). */
export type PartitionOptions = Pick<
  TableOptions,
  "renamedFrom" | "comment" | "with" | "unlogged" | "replicaIdentity" | "partitionBy" | "rowLevelSecurity"
>;

/**
 * A partition of a partitioned table: `definePartition("events_2024", events,
 * { from: ["2024-01-01"], to: ["2025-01-01"] })`. It has its parent's columns,
 * keys, indexes and checks; `constraints` adds its own. With `partitionBy` it
 * is partitioned in turn.
 */
export function definePartition(
  name: string,
  parent: string | TableDefinition,
  bound: PartitionBoundInput,
  constraints?: (t: TableBuilder) => ConstraintDefinition[],
  options: PartitionOptions = {},
): TableDefinition {
  return {
    ...defineTable(name, {}, constraints, options),
    partitionOf: { table: typeof parent === "string" ? parent : parent.name, bound },
  };
}

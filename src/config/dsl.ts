/**
 * The config DSL. Every builder returns plain data; `config/schema.ts`
 * validates it and `model/from_config.ts` turns it into the schema model.
 */
import type { ReferentialAction } from "../model/types.ts";

export type { ReferentialAction };

/** Options of {@link column}. */
export interface ColumnOptions {
  /** Part of the table's primary key (several columns make a composite key). */
  primaryKey?: boolean;
  /** A single-column UNIQUE constraint named `<table>_<column>_key`. */
  unique?: boolean;
  /** NOT NULL. Primary key, serial and identity columns are always NOT NULL. */
  notNull?: boolean;
  /** Default as SQL text, e.g. `"now()"`, `"'draft'"`, `"0"`. */
  defaultSql?: string;
  /** `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`. */
  identity?: "always" | "by default";
  /** `GENERATED ALWAYS AS (expression) STORED`. */
  generatedAs?: string;
  /** The column's previous name: kyrage renames instead of drop + add. */
  renamedFrom?: string;
  /** USING expression for a type change, e.g. `"price::numeric"`. */
  using?: string;
  /** COMMENT ON COLUMN. */
  comment?: string;
}

export interface ColumnDefinition extends ColumnOptions {
  readonly kind: "column";
  /** A PostgreSQL type as you would write it: `int`, `varchar(255)`, `text[]`. */
  readonly type: string;
  /** Set when the type is an enum from {@link defineEnum}. */
  readonly enum?: EnumDefinition;
}

/** An enum type; pass it to {@link column} as the column's type. */
export interface EnumDefinition {
  readonly kind: "enum";
  readonly name: string;
  readonly values: readonly string[];
}

export interface PrimaryKeyDefinition {
  readonly kind: "primaryKey";
  readonly columns: readonly string[];
  readonly name?: string;
}

export interface UniqueOptions {
  name?: string;
  /** `UNIQUE NULLS NOT DISTINCT` (PostgreSQL 15+): NULLs count as equal. */
  nullsNotDistinct?: boolean;
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
  /** Build with `CREATE INDEX CONCURRENTLY` (runs outside a transaction). */
  concurrently?: boolean;
}

export interface IndexDefinition extends IndexOptions {
  readonly kind: "index";
  readonly columns: readonly IndexKeyInput[];
}

export interface CheckDefinition {
  readonly kind: "check";
  /** A boolean SQL expression, e.g. `"price > 0"`. */
  readonly expression: string;
  readonly name?: string;
}

export interface ReferenceOptions {
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
  name?: string;
  /** `DEFERRABLE INITIALLY IMMEDIATE` or `... DEFERRED`. */
  deferrable?: "immediate" | "deferred";
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
}

export interface TableDefinition extends TableOptions {
  readonly kind: "table";
  /** `"users"`, or schema-qualified: `"billing.invoices"`. */
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnDefinition>>;
  readonly constraints: readonly ConstraintDefinition[];
}

/** Builders passed to the constraints callback of {@link defineTable}. */
export interface TableBuilder {
  primaryKey(columns: string[], options?: { name?: string }): PrimaryKeyDefinition;
  unique(columns: string[], options?: UniqueOptions): UniqueDefinition;
  /** Keys are column names or `{ column | expression, order?, nulls?, opclass? }`. */
  index(columns: IndexKeyInput[], options?: IndexOptions): IndexDefinition;
  /** A CHECK constraint; compared in PostgreSQL's normalized form. */
  check(expression: string, options?: { name?: string }): CheckDefinition;
  /** A foreign key from `columns` to `refColumns` of `table`. */
  reference(
    columns: string[],
    table: string | TableDefinition,
    refColumns: string[],
    options?: ReferenceOptions,
  ): ReferenceDefinition;
}

const tableBuilder: TableBuilder = {
  primaryKey: (columns, options) => ({ kind: "primaryKey", columns, ...options }),
  unique: (columns, options) => ({ kind: "unique", columns, ...options }),
  index: (columns, options) => ({ kind: "index", columns, ...options }),
  check: (expression, options) => ({ kind: "check", expression, ...options }),
  reference: (columns, table, refColumns, options) => ({
    kind: "reference",
    columns,
    table: typeof table === "string" ? table : table.name,
    refColumns,
    ...options,
  }),
};

/**
 * A column: `column("varchar(255)", { notNull: true })`.
 * The type is any PostgreSQL type name, or an enum from {@link defineEnum}.
 */
export function column(
  type: string | EnumDefinition,
  options: ColumnOptions = {},
): ColumnDefinition {
  if (typeof type === "string") return { kind: "column", type, ...options };
  return { kind: "column", type: type.name, enum: type, ...options };
}

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

/**
 * An enum type: `defineEnum("mood", ["sad", "ok", "happy"])`, or
 * schema-qualified: `defineEnum("billing.status", [...])`.
 */
export function defineEnum(
  name: string,
  values: readonly string[],
): EnumDefinition {
  return { kind: "enum", name, values };
}

export type DatabaseConfig =
  | {
    dialect: "postgres";
    /** Falls back to `--database-url`, then `DATABASE_URL`. */
    connectionString?: string;
  }
  | {
    dialect: "pglite";
    /** A directory (relative to the config file) or `"memory://"`. */
    dataDir?: string;
  };

export interface Config {
  /** Omit to use the embedded PGlite database in `.kyrage/pglite`. */
  database?: DatabaseConfig;
  /** Where migration files live, relative to the config file. */
  migrationsDir?: string;
  tables: TableDefinition[];
  /** Enum types; enums used as column types are included automatically. */
  enums?: EnumDefinition[];
}

/** Identity function that gives a config file its types. */
export function defineConfig(config: Config): Config {
  return config;
}

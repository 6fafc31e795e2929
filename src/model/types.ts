/**
 * The schema model: one plain, readonly, JSON-serializable description of a
 * database schema. The config and the live database both become this shape,
 * in normal form, so that diffing is comparison of equal-shaped data.
 */

export interface EnumType {
  readonly schema: string;
  readonly name: string;
  readonly values: readonly string[];
}

/** A composite type: named attributes in order. */
export interface CompositeType {
  readonly schema: string;
  readonly name: string;
  readonly attributes: readonly CompositeAttribute[];
}

export interface CompositeAttribute {
  readonly name: string;
  /** Spelled as a column's type is (see {@link Column.type}). */
  readonly type: string;
  /** `COLLATE`, only when it differs from the type's; spelled as a column's is. */
  readonly collation?: string;
}

/** A range type; each option only when it differs from PostgreSQL's default. */
export interface RangeType {
  readonly schema: string;
  readonly name: string;
  readonly definition: RangeDefinition;
}

export interface RangeDefinition {
  /** Spelled as a column's type is, without modifiers (a range keeps none). */
  readonly subtype: string;
  /** The b-tree operator class ordering the subtype, when not its default. */
  readonly subtypeOpclass?: string;
  readonly collation?: string;
  /** Function name (schema-qualified outside pg_catalog and public). */
  readonly subtypeDiff?: string;
  /** The multirange type's name, when not the one PostgreSQL derives from the range's. */
  readonly multirange?: { readonly schema: string; readonly name: string };
}

export interface Table {
  readonly schema: string;
  readonly name: string;
  /**
   * A partition's columns are its parent's: on the desired side their names,
   * types and collations only; they are never diffed on a partition.
   */
  readonly columns: readonly Column[];
  readonly primaryKey?: PrimaryKey;
  readonly uniques: readonly UniqueConstraint[];
  readonly foreignKeys: readonly ForeignKey[];
  readonly checks: readonly CheckConstraint[];
  readonly indexes: readonly Index[];
  readonly comment?: string;
  /** Storage parameters (`WITH (fillfactor = 70)`; `toast.` ones for the TOAST table), values as text. */
  readonly with?: StorageParameters;
  /** `UNLOGGED`: not written to the WAL, emptied after a crash. */
  readonly unlogged?: boolean;
  /** `REPLICA IDENTITY`, when not the default (the primary key). */
  readonly replicaIdentity?: ReplicaIdentity;
  /** `ENABLE ROW LEVEL SECURITY`: rows are reached only through policies (but by the owner). */
  readonly rowLevelSecurity?: boolean;
  /** `FORCE ROW LEVEL SECURITY`: the policies bind the owner too. */
  readonly forceRowLevelSecurity?: boolean;
  /** Desired side only: the table's previous name, for a rename. */
  readonly renamedFrom?: string;
  /**
   * Actual side only: columns held NOT NULL by a constraint the model does not hold (a named or NOT VALID NOT
   * NULL constraint, a WITHOUT OVERLAPS primary key); their nullability is left as it is.
   */
  readonly unmanagedNotNull?: readonly string[];
  /**
   * Actual side only: the serial and identity columns whose own sequence is not named
   * `makeObjectName(table, column, "seq")` (a rename of the table or column, PostgreSQL's `seq1` on a
   * collision, a name given by hand).
   */
  readonly columnSequences?: readonly ColumnSequence[];
  /** A partitioned table: `PARTITION BY ...`. */
  readonly partitionBy?: PartitionBy;
  /** A partition: `PARTITION OF parent FOR VALUES ...`. */
  readonly partitionOf?: PartitionOf;
}

export type PartitionStrategy = "range" | "list" | "hash";

export interface PartitionBy {
  readonly strategy: PartitionStrategy;
  readonly keys: readonly PartitionKey[];
}

/** One partition key: a column or an expression, as an index key without sort options. */
export interface PartitionKey {
  /** Column name, or a SQL expression when `expression` is true. */
  readonly column: string;
  readonly expression?: boolean;
  /** Only when not the type's default operator class. */
  readonly opclass?: string;
  /** `COLLATE`, only when it differs from the column's (for an expression: from the default collation). */
  readonly collation?: string;
}

export interface PartitionOf {
  /** The parent's schema and name. */
  readonly schema: string;
  readonly table: string;
  /** `FOR VALUES ...` or `DEFAULT`, as `pg_get_expr(relpartbound)` prints it. */
  readonly bound: string;
}

/** Storage parameters by name, values as PostgreSQL stores their text (`70`, `off`). */
export type StorageParameters = Readonly<Record<string, string>>;

export type ReplicaIdentity = "full" | "nothing" | { readonly index: string };

export type Identity = "always" | "by default";

/**
 * Options of an identity column's sequence, each only when it differs from
 * PostgreSQL's default for the column's type and direction. Numbers are
 * decimal text: a bigint bound does not fit a JSON number.
 */
export interface SequenceOptions {
  readonly start?: string;
  readonly increment?: string;
  readonly minValue?: string;
  readonly maxValue?: string;
  readonly cache?: string;
  readonly cycle?: boolean;
}

/** `ALTER COLUMN ... SET STORAGE`: how large values are stored and compressed. */
export type ColumnStorage = "plain" | "external" | "extended" | "main";

/** Whether a constraint is checked at the end of the transaction, and its initial mode. */
export type Deferrable = "immediate" | "deferred";

/** `serial` pseudo-types: an integer column owning a sequence default. */
export type Serial = "smallserial" | "serial" | "bigserial";

export interface Column {
  readonly name: string;
  /** Canonical type, spelled as PostgreSQL's `format_type` spells it. */
  readonly type: string;
  readonly notNull: boolean;
  /** Normalized default expression (see normalize.ts). */
  readonly default?: string;
  readonly serial?: Serial;
  readonly identity?: Identity;
  /** The identity sequence's options that differ from the defaults. */
  readonly identityOptions?: SequenceOptions;
  /** Expression of a `GENERATED ALWAYS AS (...) STORED` column. */
  readonly generated?: string;
  readonly comment?: string;
  /** Only when it differs from the type's default storage. */
  readonly storage?: ColumnStorage;
  /** `COMPRESSION`: only when set (otherwise the server's default_toast_compression applies). */
  readonly compression?: "pglz" | "lz4";
  /** `COLLATE`, only when it differs from the type's; spelled as `quote_ident` does, schema-qualified outside pg_catalog. */
  readonly collation?: string;
  /** Desired side only: the column's previous name, for a rename. */
  readonly renamedFrom?: string;
  /** Desired side only: the USING expression for a type change. */
  readonly using?: string;
}

/** The sequence a serial or identity column owns, where its name is not the default. */
export interface ColumnSequence {
  readonly column: string;
  readonly schema: string;
  readonly name: string;
}

export interface PrimaryKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly deferrable?: Deferrable;
}

export interface UniqueConstraint {
  readonly name: string;
  readonly columns: readonly string[];
  readonly nullsNotDistinct?: boolean;
  readonly deferrable?: Deferrable;
}

export type ReferentialAction =
  | "no action"
  | "restrict"
  | "cascade"
  | "set null"
  | "set default";

export interface ForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly refSchema: string;
  readonly refTable: string;
  readonly refColumns: readonly string[];
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
  readonly deferrable?: Deferrable;
  /** `MATCH FULL`: a row with some but not all key columns NULL is refused (default `MATCH SIMPLE`). */
  readonly match?: "full";
  /** Added `NOT VALID` and not validated since: existing rows were never checked. */
  readonly notValid?: boolean;
}

export interface CheckConstraint {
  readonly name: string;
  /** The boolean expression, without the surrounding `CHECK (...)`. */
  readonly expression: string;
  /** `NO INHERIT`: not applied to child tables. */
  readonly noInherit?: boolean;
  /** Added `NOT VALID` and not validated since. */
  readonly notValid?: boolean;
}

export interface IndexKey {
  /** Column name, or a SQL expression when `expression` is true. */
  readonly column: string;
  readonly expression?: boolean;
  readonly descending?: boolean;
  /** Only set when it differs from the default for the sort direction. */
  readonly nulls?: "first" | "last";
  readonly opclass?: string;
  /** `COLLATE`, only when it differs from the key's own (the column's, or the expression type's). */
  readonly collation?: string;
}

export interface Index {
  readonly name: string;
  readonly keys: readonly IndexKey[];
  readonly unique: boolean;
  /** Access method; `btree` is the default. */
  readonly method: string;
  readonly include: readonly string[];
  readonly where?: string;
  /** `NULLS NOT DISTINCT` on a unique index (PostgreSQL 15+). */
  readonly nullsNotDistinct?: boolean;
  /** Storage parameters (`WITH (fillfactor = 70)`). */
  readonly with?: StorageParameters;
  /** Desired side only: build with CREATE INDEX CONCURRENTLY. */
  readonly concurrently?: boolean;
}

/** A schema-qualified name such as `public.users`, used as a map key. */
export function qualifiedName(schema: string, name: string): string {
  return `${schema}.${name}`;
}

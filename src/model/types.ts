/**
 * The schema model: one plain, readonly, JSON-serializable description of a
 * database schema. The config and the live database both become this shape,
 * in normal form, so that diffing is comparison of equal-shaped data.
 */

/** A whole schema: every object kyrage manages, sorted by qualified name. */
export interface SchemaModel {
  /** The PostgreSQL schemas (namespaces) this model covers. */
  readonly schemas: readonly string[];
  readonly enums: readonly EnumType[];
  readonly tables: readonly Table[];
}

export interface EnumType {
  readonly schema: string;
  readonly name: string;
  readonly values: readonly string[];
}

export interface Table {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly Column[];
  readonly primaryKey?: PrimaryKey;
  readonly uniques: readonly UniqueConstraint[];
  readonly foreignKeys: readonly ForeignKey[];
  readonly checks: readonly CheckConstraint[];
  readonly indexes: readonly Index[];
  readonly comment?: string;
  /** Desired side only: the table's previous name, for a rename. */
  readonly renamedFrom?: string;
}

export type Identity = "always" | "by default";

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
  /** Expression of a `GENERATED ALWAYS AS (...) STORED` column. */
  readonly generated?: string;
  readonly comment?: string;
  /** Desired side only: the column's previous name, for a rename. */
  readonly renamedFrom?: string;
  /** Desired side only: the USING expression for a type change. */
  readonly using?: string;
}

export interface PrimaryKey {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface UniqueConstraint {
  readonly name: string;
  readonly columns: readonly string[];
  readonly nullsNotDistinct?: boolean;
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
  readonly deferrable?: "immediate" | "deferred";
}

export interface CheckConstraint {
  readonly name: string;
  /** The boolean expression, without the surrounding `CHECK (...)`. */
  readonly expression: string;
}

export interface IndexKey {
  /** Column name, or a SQL expression when `expression` is true. */
  readonly column: string;
  readonly expression?: boolean;
  readonly descending?: boolean;
  /** Only set when it differs from the default for the sort direction. */
  readonly nulls?: "first" | "last";
  readonly opclass?: string;
}

export interface Index {
  readonly name: string;
  readonly keys: readonly IndexKey[];
  readonly unique: boolean;
  /** Access method; `btree` is the default. */
  readonly method: string;
  readonly include: readonly string[];
  readonly where?: string;
  /** Desired side only: build with CREATE INDEX CONCURRENTLY. */
  readonly concurrently?: boolean;
}

/** A schema-qualified name such as `public.users`, used as a map key. */
export function qualifiedName(schema: string, name: string): string {
  return `${schema}.${name}`;
}

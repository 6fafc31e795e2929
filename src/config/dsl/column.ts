/** Columns: `column(type, options)`. */
import type { ColumnStorage } from "../../model/types.ts";
import type { DomainDefinition } from "./domain.ts";
import type { CompositeTypeDefinition, EnumDefinition, RangeTypeDefinition, TypeInput } from "./types.ts";

/** A number of a sequence option: a bigint bound may be given as a bigint or as decimal text. */
export type SequenceNumber = number | bigint | string;

/** An identity column with options for its sequence (`GENERATED ... AS IDENTITY (START WITH ...)`). */
export interface IdentityOptions {
  generated: "always" | "by default";
  start?: SequenceNumber;
  /** Negative for a descending sequence. */
  increment?: SequenceNumber;
  minValue?: SequenceNumber;
  maxValue?: SequenceNumber;
  /** How many values each session preallocates. */
  cache?: SequenceNumber;
  /** Wrap around at the bound instead of failing. */
  cycle?: boolean;
}

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
  /** `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`, optionally with sequence options. */
  identity?: "always" | "by default" | IdentityOptions;
  /** `GENERATED ALWAYS AS (expression) STORED`. */
  generatedAs?: string;
  /** The column's previous name: kyrage renames instead of drop + add. */
  renamedFrom?: string;
  /** USING expression for a type change, e.g. `"price::numeric"`. */
  using?: string;
  /** COMMENT ON COLUMN. */
  comment?: string;
  /** `SET STORAGE`: how large values are stored (`external`: out of line, uncompressed). */
  storage?: ColumnStorage;
  /** `COMPRESSION` of large values; the server's `default_toast_compression` when left out. */
  compression?: "pglz" | "lz4";
  /** `COLLATE`, e.g. `"C"`, `"en_US.utf8"`. */
  collation?: string;
}

export interface ColumnDefinition extends ColumnOptions {
  readonly kind: "column";
  /** A PostgreSQL type as you would write it: `int`, `varchar(255)`, `text[]`. */
  readonly type: string;
  /** Set when the type is an enum from {@link defineEnum}. */
  readonly enum?: EnumDefinition;
  /** Set when the type is a composite or range type from `defineCompositeType` / `defineRangeType`. */
  readonly userType?: CompositeTypeDefinition | RangeTypeDefinition;
  /** Set when the type is a domain from `defineDomain`. */
  readonly domain?: DomainDefinition;
}

/**
 * A column: `column("varchar(255)", { notNull: true })`.
 * The type is any PostgreSQL type name, or a type from {@link defineEnum},
 * `defineCompositeType`, `defineRangeType` or `defineDomain` (an array of one is written as
 * a name, `"mood[]"`, with the type listed in the config).
 */
export function column(
  type: TypeInput,
  options: ColumnOptions = {},
): ColumnDefinition {
  if (typeof type === "string") return { kind: "column", type, ...options };
  if (type.kind === "domain") return { kind: "column", type: type.name, domain: type, ...options };
  if (type.kind === "enum") return { kind: "column", type: type.name, enum: type, ...options };
  return { kind: "column", type: type.name, userType: type, ...options };
}

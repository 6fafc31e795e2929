/** User-defined types: enums, composite types, range types. */
import type { DomainDefinition } from "./domain.ts";

/** An enum type; pass it to `column` as the column's type. */
export interface EnumDefinition {
  readonly kind: "enum";
  readonly name: string;
  readonly values: readonly string[];
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

/** A type defined in the config: pass it to `column` (or use it in another type) like a type name. */
export type UserTypeDefinition = EnumDefinition | CompositeTypeDefinition | RangeTypeDefinition;

/**
 * A type as columns, attributes and range subtypes name it: any PostgreSQL
 * type as you would write it (`"float8"`, `"text[]"`, `"mood[]"`), or a type
 * from {@link defineEnum}, {@link defineCompositeType}, {@link defineRangeType},
 * or a domain from `defineDomain` (created before what uses it).
 */
export type TypeInput = string | UserTypeDefinition | DomainDefinition;

/** An attribute with options: `{ type: "text", collation: "C" }`. */
export interface CompositeAttributeDefinition {
  readonly type: TypeInput;
  /** `COLLATE`, e.g. `"C"`. */
  readonly collation?: string;
}

/** A composite type; pass it to `column` as the column's type. */
export interface CompositeTypeDefinition {
  readonly kind: "composite";
  readonly name: string;
  /** Attributes in order. */
  readonly attributes: Readonly<Record<string, TypeInput | CompositeAttributeDefinition>>;
}

/**
 * A composite type, attributes in order:
 * `defineCompositeType("point3", { x: "float8", y: "float8", z: "float8" })`,
 * or schema-qualified: `defineCompositeType("billing.address", {...})`.
 * Attributes may use other user types and domains, and arrays (`"mood[]"`,
 * with the type listed in the config's `types`, `enums` or `domains`).
 */
export function defineCompositeType(
  name: string,
  attributes: Readonly<Record<string, TypeInput | CompositeAttributeDefinition>>,
): CompositeTypeDefinition {
  return { kind: "composite", name, attributes };
}

/** Options of {@link defineRangeType}. */
export interface RangeTypeOptions {
  /** The type of the bounds: `"float8"`, `"numeric"`, `"timestamptz"`, a user type or a domain. */
  readonly subtype: TypeInput;
  /** A b-tree operator class of the subtype, when not its default (`"text_pattern_ops"`). */
  readonly subtypeOpclass?: string;
  /** `COLLATION` of a collatable subtype, e.g. `"C"`. */
  readonly collation?: string;
  /** A function `(subtype, subtype) → double precision` giving the distance of two bounds (`"float8mi"`). */
  readonly subtypeDiff?: string;
  /** The multirange type's name (by default the range's, `range` → `multirange`, in its schema). */
  readonly multirangeTypeName?: string;
}

/** A range type; pass it to `column` as the column's type. */
export interface RangeTypeDefinition extends RangeTypeOptions {
  readonly kind: "range";
  readonly name: string;
}

/**
 * A range type: `defineRangeType("floatrange", { subtype: "float8", subtypeDiff: "float8mi" })`,
 * or schema-qualified: `defineRangeType("billing.money_range", {...})`.
 */
export function defineRangeType(name: string, options: RangeTypeOptions): RangeTypeDefinition {
  return { kind: "range", name, ...options };
}

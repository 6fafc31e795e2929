/**
 * Names around user types that PostgreSQL derives or resolves: the default
 * multirange type name of a range, function and operator class names in
 * normal form, and the order types must be created in (each after those it
 * uses).
 */
import { clipToBytes, MAX_IDENTIFIER_BYTES, quoteIdent } from "./names.ts";
import type { DomainObject } from "./objects/domain.ts";
import { userTypeName } from "./qualified.ts";
import type { CompositeType, RangeType } from "./types.ts";

/** A type that may use other types: a composite's attributes, a range's subtype, a domain's base type. */
export type DependentType = CompositeType | RangeType | DomainObject;

/**
 * `makeMultirangeTypeName`: the first `range` in the name becomes
 * `multirange`; a name without one gets `_multirange` appended.
 */
export function defaultMultirangeName(range: string): string {
  const at = range.indexOf("range");
  const name = at === -1
    ? `${clipToBytes(range, MAX_IDENTIFIER_BYTES - 11)}_multirange`
    : `${range.slice(0, at)}multi${range.slice(at)}`;
  return clipToBytes(name, MAX_IDENTIFIER_BYTES);
}

/**
 * A function or operator class name as the config writes it (`"float8mi"`,
 * `"billing.diff"`, `'"My Fn"'`) in normal form: unquoted parts lowercased,
 * each part as `quote_ident` prints it, no schema for pg_catalog and public
 * (as introspection spells them).
 */
export function routineName(name: string): string {
  const parts = [...name.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)]
    .map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2].trim().toLowerCase()));
  return parts.length > 1 ? routineSpelling(parts[0], parts[1]) : quoteIdent(parts[0] ?? "");
}

/** A function or operator class in `schema` as the model spells it (see {@link routineName}). */
export function routineSpelling(schema: string, name: string): string {
  return schema === "pg_catalog" || schema === "public"
    ? quoteIdent(name)
    : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** The type names (as columns spell them) a user type defines: a range also defines its multirange. */
export function definedTypes(type: DependentType): string[] {
  if (!("definition" in type)) return [userTypeName(type.schema, type.name)];
  const multi = type.definition.multirange ?? { schema: type.schema, name: defaultMultirangeName(type.name) };
  return [userTypeName(type.schema, type.name), userTypeName(multi.schema, multi.name)];
}

/** The type names a user type uses, arrays as their element type. */
export function usedTypes(type: DependentType): string[] {
  const types = "definition" in type
    ? [type.definition.subtype]
    : "attributes" in type
    ? type.attributes.map((a) => a.type)
    : [type.type];
  return types.map((t) => t.replace(/\[\]$/, ""));
}

/**
 * Items in an order where each comes after the items whose types it uses;
 * otherwise the input order is kept. A cycle (which PostgreSQL refuses
 * anyway) keeps input order.
 */
export function typeDependencyOrder<T>(items: readonly T[], typeOf: (item: T) => DependentType | undefined): T[] {
  const owner = new Map<string, number>();
  items.forEach((item, i) => {
    const type = typeOf(item);
    if (type) { for (const name of definedTypes(type)) owner.set(name, i); }
  });
  const done = new Set<number>();
  const out: T[] = [];
  const visit = (i: number, path: Set<number>) => {
    if (done.has(i) || path.has(i)) return;
    path.add(i);
    const type = typeOf(items[i]);
    // Dependencies in input order, so independent ones keep it.
    const uses = (type ? usedTypes(type) : []).map((used) => owner.get(used)).filter((j) => j !== undefined);
    for (const j of uses.sort((a, b) => a - b)) if (j !== i) visit(j, path);
    done.add(i);
    out.push(items[i]);
  };
  items.forEach((_, i) => visit(i, new Set()));
  return out;
}

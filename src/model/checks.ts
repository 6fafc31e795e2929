/**
 * Checks of the desired model as a whole that PostgreSQL would otherwise
 * make at apply time, halfway through a migration: relation names unique
 * per schema, and foreign keys that point at a unique key.
 */
import type { EnumType, Table } from "./types.ts";

/** A problem in the config, at a key path such as `tables[2].columns.email`. */
export class ConfigIssue extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

/** A name a user type takes: in the types namespace, and for a composite type also in the relations one. */
export interface NamedType {
  readonly schema: string;
  readonly name: string;
  /** For messages: `composite type public.point3`. */
  readonly what: string;
  readonly relation?: boolean;
}

/**
 * Tables, indexes and the indexes behind primary keys and unique constraints
 * share one namespace per schema, and tables and types another (a table is
 * also its row type): `CREATE` fails on the second of a name.
 */
export function checkRelationNames(
  tables: readonly Table[],
  enums: readonly EnumType[],
  types: readonly NamedType[] = [],
): void {
  const seen = new Map<string, string>();
  const claim = (schema: string, name: string, what: string, namespace = "relation") => {
    const key = `${namespace}\u0000${schema}\u0000${name}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new ConfigIssue(
        "tables",
        `the name "${name}" is used twice in schema ${schema}: by ${previous} and by ${what}. Tables, indexes, ` +
          "primary keys and unique constraints share one namespace per schema, and tables and types another; " +
          "rename one of them",
      );
    }
    seen.set(key, what);
  };
  for (const t of tables) claim(t.schema, t.name, `table ${t.schema}.${t.name}`, "type");
  for (const e of enums) claim(e.schema, e.name, `enum ${e.schema}.${e.name}`, "type");
  for (const t of types) claim(t.schema, t.name, t.what, "type");
  for (const t of types) if (t.relation) claim(t.schema, t.name, t.what);
  for (const t of tables) claim(t.schema, t.name, `table ${t.schema}.${t.name}`);
  for (const t of tables) {
    const on = `${t.schema}.${t.name}`;
    if (t.primaryKey) claim(t.schema, t.primaryKey.name, `the primary key of ${on}`);
    for (const u of t.uniques) claim(t.schema, u.name, `unique constraint ${u.name} on ${on}`);
    for (const i of t.indexes) claim(t.schema, i.name, `index ${i.name} on ${on}`);
  }
}

/**
 * Whether `columns` (in any order) are a key PostgreSQL accepts as a foreign
 * key's target: the primary key, a non-deferrable unique constraint, or a
 * unique index with neither predicate nor expression.
 */
export function isReferenceableKey(table: Table, columns: readonly string[]): boolean {
  const wanted = [...columns].sort().join("\u0000");
  const same = (key: readonly string[]) => [...key].sort().join("\u0000") === wanted;
  // PostgreSQL refuses a deferrable key as a foreign key's target.
  return (table.primaryKey !== undefined && !table.primaryKey.deferrable && same(table.primaryKey.columns)) ||
    table.uniques.some((u) => !u.deferrable && same(u.columns)) ||
    table.indexes.some((i) =>
      i.unique && i.where === undefined && !i.keys.some((k) => k.expression) && same(i.keys.map((k) => k.column))
    );
}

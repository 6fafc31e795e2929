/** Indexes and storage parameters as the DSL writes them, for tables and materialized views alike. */
import type { IndexDefinition, IndexKeyInput, StorageParameterInput } from "../config/dsl.ts";
import { collationInput, indexName } from "../model/names.ts";
import type { Index, StorageParameters } from "../model/types.ts";

/** `{ name }` when the database's name is not the default one. */
export const nameIf = (actual: string, fallback: string) => (actual === fallback ? {} : { name: actual });

/** Storage parameters as the config writes them: numbers and true/false as such, other text as is. */
export function parametersInput(parameters: StorageParameters): StorageParameterInput {
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => [
      name,
      value === "true" ? true : value === "false" ? false : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value,
    ]),
  );
}

function indexKeys(index: Index): IndexKeyInput[] {
  return index.keys.map((k) => {
    if (!k.expression && !k.descending && !k.nulls && !k.opclass && !k.collation) return k.column;
    return {
      ...(k.expression ? { expression: k.column } : { column: k.column }),
      ...(k.descending ? { order: "desc" as const } : {}),
      ...(k.nulls ? { nulls: k.nulls } : {}),
      ...(k.opclass ? { opclass: k.opclass } : {}),
      ...(k.collation ? { collation: collationInput(k.collation) } : {}),
    };
  });
}

/** An index as the DSL declares it on `relation` (a table or a materialized view). */
export function indexInput(relation: string, i: Index): IndexDefinition {
  const keyNames = [...i.keys.map((k) => (k.expression ? undefined : k.column)), ...i.include];
  return {
    kind: "index" as const,
    columns: indexKeys(i),
    ...(i.unique ? { unique: true } : {}),
    ...nameIf(i.name, indexName(relation, keyNames, i.unique)),
    ...(i.method !== "btree" ? { using: i.method } : {}),
    ...(i.where !== undefined ? { where: i.where } : {}),
    ...(i.include.length > 0 ? { include: [...i.include] } : {}),
    ...(i.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    ...(i.with ? { with: parametersInput(i.with) } : {}),
  };
}

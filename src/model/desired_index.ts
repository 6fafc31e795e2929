/** An index as the DSL declares it (on a table or a materialized view) → the model's {@link Index}. */
import type { ValidConstraint } from "../config/schema.ts";
import { storageParametersOf } from "./desired_column.ts";
import { collationName } from "./names.ts";
import { type Naming, namingOf } from "./naming.ts";
import type { Index, IndexKey } from "./types.ts";

export type ValidIndex = Extract<ValidConstraint, { kind: "index" }>;

/** `relation`: the table's or view's name, for the default index name. */
export function desiredIndex(
  relation: string,
  c: ValidIndex,
  columnCollation: (column: string) => string | undefined,
  naming: Pick<Naming, "index"> = namingOf(undefined),
): Index {
  const keys = c.columns.map((k) => indexKey(k, columnCollation));
  const parameters = storageParametersOf(c.with);
  const include = c.include ?? [];
  const keyNames = [...keys.map((k) => (k.expression ? undefined : k.column)), ...include];
  return {
    name: c.name ?? naming.index(relation, keyNames, keys.map((k) => k.column), c.unique ?? false),
    keys,
    unique: c.unique ?? false,
    method: (c.using ?? "btree").toLowerCase(),
    include,
    ...(c.where ? { where: c.where.trim() } : {}),
    ...(c.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    ...(parameters ? { with: parameters } : {}),
    ...(c.concurrently ? { concurrently: true } : {}),
  };
}

type ValidIndexKey = ValidIndex["columns"][number];

/** `columnCollation`: a column's own collation, which a key on it need not repeat. */
function indexKey(key: ValidIndexKey, columnCollation: (column: string) => string | undefined): IndexKey {
  if (typeof key === "string") return { column: key };
  const collation = key.collation !== undefined ? collationName(key.collation) : undefined;
  const ownCollation = key.column !== undefined ? columnCollation(key.column) : undefined;
  const descending = key.order === "desc";
  // Only a non-default NULLS order is recorded, as introspection does.
  const nulls = key.nulls && (key.nulls === "first") !== descending ? key.nulls : undefined;
  return {
    column: key.expression !== undefined ? key.expression.trim() : key.column!,
    ...(key.expression !== undefined ? { expression: true } : {}),
    ...(descending ? { descending: true } : {}),
    ...(nulls ? { nulls } : {}),
    ...(key.opclass ? { opclass: key.opclass.toLowerCase() } : {}),
    ...(collation && collation !== (ownCollation && collationName(ownCollation)) ? { collation } : {}),
  };
}

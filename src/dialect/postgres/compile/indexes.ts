/** Indexes: create (possibly concurrently), drop, rename. */
import type { Index } from "../../../model/types.ts";
import { ident, identList, qualified } from "../quote.ts";
import { type Compilers, storageParameterList } from "./common.ts";

export const indexCompilers: Compilers<"create_index" | "drop_index" | "rename_index"> = {
  create_index: (op) => [createIndex(op.schema, op.table, op.index)],
  // Concurrently: after an interrupted run the index may be gone already.
  drop_index: (op) => [
    op.concurrently
      ? `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(op.schema, op.index.name)}`
      : `DROP INDEX ${qualified(op.schema, op.index.name)}`,
  ],
  rename_index: (op) => [`ALTER INDEX ${qualified(op.schema, op.from)} RENAME TO ${ident(op.to)}`],
};

export function createIndex(schema: string, table: string, index: Index): string {
  const keys = index.keys.map((k) => {
    let key = k.expression ? `(${k.column})` : ident(k.column);
    if (k.collation) key += ` COLLATE ${k.collation}`;
    if (k.opclass) key += ` ${k.opclass}`;
    if (k.descending) key += " DESC";
    if (k.nulls) key += ` NULLS ${k.nulls.toUpperCase()}`;
    return key;
  });
  let sql = `CREATE${index.unique ? " UNIQUE" : ""} INDEX${index.concurrently ? " CONCURRENTLY" : ""}` +
    ` ${ident(index.name)} ON ${qualified(schema, table)}`;
  if (index.method !== "btree") sql += ` USING ${index.method}`;
  sql += ` (${keys.join(", ")})`;
  if (index.include.length > 0) sql += ` INCLUDE (${identList(index.include)})`;
  if (index.nullsNotDistinct) sql += " NULLS NOT DISTINCT";
  if (index.with) sql += ` WITH (${storageParameterList(index.with)})`;
  if (index.where) sql += ` WHERE ${index.where}`;
  return sql;
}

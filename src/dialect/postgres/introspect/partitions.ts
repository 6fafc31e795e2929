/** Partitioned tables' keys and partitions' parents and bounds. */
import { sql } from "kysely";
import type { PartitionBy, PartitionKey } from "../../../model/types.ts";
import { qualifiedName } from "../../../model/types.ts";
import { type Db, MANAGED_TABLE, type MutableTable, type Scope } from "./scope.ts";

interface PartitionRow {
  schema: string;
  table: string;
  strategy: "r" | "l" | "h" | null;
  /** The key expressions, `pg_get_expr` of their list: `(a + b), lower(x)`. */
  expressions: string | null;
  keys: { column: string | null; opclass: string | null; collation: string | null }[] | null;
  parent_schema: string | null;
  parent_table: string | null;
  bound: string | null;
}

const STRATEGIES = { r: "range", l: "list", h: "hash" } as const;

/** Query partitioning; the result adds it to the tables. */
export async function introspectPartitions(
  db: Db,
  scope: Scope,
): Promise<(tables: Map<string, MutableTable>) => void> {
  const rows = await sql<PartitionRow>`
    select n.nspname::text as schema, c.relname::text as table,
           pt.partstrat::text as strategy, pg_get_expr(pt.partexprs, pt.partrelid) as expressions,
           (select json_agg(json_build_object(
              'column', a.attname,
              'opclass', case when opc.opcdefault then null else opc.opcname end,
              -- The key's collation when not its own: the column's, or for an
              -- expression the default one (100, DEFAULT_COLLATION_OID).
              'collation', case when k.coll <> 0 and k.coll <> coalesce(a.attcollation, 100)
                then (select case when cn.nspname = 'pg_catalog' then quote_ident(co.collname)
                                  else quote_ident(cn.nspname) || '.' || quote_ident(co.collname) end
                      from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
                      where co.oid = k.coll) end
            ) order by k.ord)
            from unnest(pt.partattrs::int2[], pt.partclass::oid[], pt.partcollation::oid[])
                 with ordinality k(attnum, opclass, coll, ord)
            left join pg_attribute a on a.attrelid = pt.partrelid and a.attnum = k.attnum and k.attnum > 0
            left join pg_opclass opc on opc.oid = k.opclass) as keys,
           pn.nspname::text as parent_schema, pc.relname::text as parent_table,
           pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_partitioned_table pt on pt.partrelid = c.oid
    left join pg_inherits i on c.relispartition and i.inhrelid = c.oid
    left join pg_class pc on pc.oid = i.inhparent
    left join pg_namespace pn on pn.oid = pc.relnamespace
    where ${scope.inSchemas} and ${MANAGED_TABLE} and (pt.partrelid is not null or c.relispartition)`.execute(db);
  return (tables) => {
    for (const row of rows.rows) {
      const table = tables.get(qualifiedName(row.schema, row.table));
      if (!table) continue;
      if (row.strategy) table.partitionBy = partitionBy(row);
      if (row.parent_table !== null) {
        table.partitionOf = { schema: row.parent_schema!, table: row.parent_table, bound: row.bound! };
      }
    }
    // A partition whose parent is outside the managed schemas is not managed either.
    for (let removed = true; removed;) {
      removed = false;
      for (const [key, table] of tables) {
        if (table.partitionOf && !tables.has(qualifiedName(table.partitionOf.schema, table.partitionOf.table))) {
          tables.delete(key);
          removed = true;
        }
      }
    }
  };
}

function partitionBy(row: PartitionRow): PartitionBy {
  const expressions = splitList(row.expressions ?? "");
  const keys = (row.keys ?? []).map((k): PartitionKey => ({
    ...(k.column !== null ? { column: k.column } : { column: expressions.shift()!, expression: true }),
    ...(k.opclass ? { opclass: k.opclass } : {}),
    ...(k.collation ? { collation: k.collation } : {}),
  }));
  return { strategy: STRATEGIES[row.strategy!], keys };
}

/**
 * `(a + b), lower(x, ','), t[1]` → its items. PostgreSQL prints a list of
 * expressions with `, ` between them; a comma inside an item is always
 * inside parentheses, brackets or quotes.
 */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, i + 1);
      // A doubled quote inside a quoted text reads as closing then reopening.
      i = end === -1 ? text.length : end;
    } else if (char === "(" || char === "[") depth++;
    else if (char === ")" || char === "]") depth--;
    else if (char === "," && depth === 0) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text.trim() !== "") items.push(text.slice(start).trim());
  return items;
}

/** Indexes of the managed tables that no constraint owns and no parent index holds. */
import { type RawBuilder, sql } from "kysely";
import type { Index, IndexKey } from "../../../model/types.ts";
import { qualifiedName } from "../../../model/types.ts";
import { type Db, MANAGED_TABLE, type MutableTable, type Scope } from "./scope.ts";
import { storageParameters } from "./tables.ts";

interface IndexRow {
  schema: string;
  table: string;
  name: string;
  unique: boolean;
  method: string;
  where: string | null;
  keys: {
    column: string | null;
    expression: string;
    option: number;
    opclass: string | null;
    collation: string | null;
  }[];
  include: string[];
  nulls_not_distinct: boolean;
  options: string[] | null;
}

/** Query the indexes; the result adds them to the tables. */
export async function introspectIndexes(db: Db, scope: Scope): Promise<(tables: Map<string, MutableTable>) => void> {
  const rows = await indexRows(db, sql`${scope.inSchemas} and ${MANAGED_TABLE}`);
  return (tables) => {
    for (const row of rows) tables.get(qualifiedName(row.schema, row.table))?.indexes.push(toIndex(row));
  };
}

/** The indexes of the relations `c` (in namespace `n`) that `relations` selects, keyed by relation. */
export async function indexesOf(db: Db, relations: RawBuilder<unknown>): Promise<Map<string, Index[]>> {
  const byRelation = new Map<string, Index[]>();
  for (const row of await indexRows(db, relations)) {
    const key = qualifiedName(row.schema, row.table);
    const list = byRelation.get(key) ?? [];
    byRelation.set(key, list);
    list.push(toIndex(row));
  }
  return byRelation;
}

async function indexRows(db: Db, relations: RawBuilder<unknown>): Promise<IndexRow[]> {
  const rows = await sql<IndexRow>`
    select n.nspname::text as schema, c.relname::text as table, ic.relname::text as name,
           i.indisunique as unique, am.amname::text as method,
           pg_get_expr(i.indpred, i.indrelid, true) as where,
           coalesce((
             select json_agg(json_build_object(
               'column', a.attname,
               'expression', pg_get_indexdef(i.indexrelid, k.ord::int, true),
               'option', k.option,
               'opclass', case when opc.opcdefault then null else opc.opcname end,
               -- The key's collation when not its own: the column's, or the expression type's.
               'collation', case when k.coll <> 0
                 and k.coll <> coalesce(a.attcollation, (select typcollation from pg_type where oid = ia.atttypid))
               then (select case when cn.nspname = 'pg_catalog' then quote_ident(co.collname)
                                 else quote_ident(cn.nspname) || '.' || quote_ident(co.collname) end
                     from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
                     where co.oid = k.coll) end
             ) order by k.ord)
             from unnest(i.indkey::int2[], i.indoption::int2[], i.indclass::oid[], i.indcollation::oid[])
                  with ordinality k(attnum, option, opclass, coll, ord)
             left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum and k.attnum > 0
             left join pg_attribute ia on ia.attrelid = i.indexrelid and ia.attnum = k.ord
             left join pg_opclass opc on opc.oid = k.opclass
             where k.ord <= i.indnkeyatts
           ), '[]'::json) as keys,
           array(select a.attname::text
                 from unnest(i.indkey::int2[]) with ordinality k(attnum, ord)
                 join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                 where k.ord > i.indnkeyatts order by k.ord) as include,
           -- indnullsnotdistinct exists from PostgreSQL 15 on.
           coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) as nulls_not_distinct,
           ic.reloptions::text[] as options
    from pg_index i
    join pg_class ic on ic.oid = i.indexrelid
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_am am on am.oid = ic.relam
    where ${relations}
      -- An invalid index (a failed or running concurrent build) is not there yet: the plan builds it (the runner
      -- drops the invalid one first), and pull/unsupported.ts names one the config does not declare.
      and i.indisvalid
      -- A partition's index attached to its parent's index is the parent's.
      and not exists (select 1 from pg_inherits ih where ih.inhrelid = i.indexrelid)
      and not exists (select 1 from pg_constraint pc
                      where pc.conindid = i.indexrelid and pc.conrelid = i.indrelid
                        and pc.contype in ('p', 'u', 'x'))`.execute(db);
  return rows.rows;
}

// pg_index.indoption bits (INDOPTION_DESC, INDOPTION_NULLS_FIRST).
const DESC = 1;
const NULLS_FIRST = 2;

function toIndex(row: IndexRow): Index {
  const keys: IndexKey[] = row.keys.map((k) => {
    const descending = (k.option & DESC) !== 0;
    const nullsFirst = (k.option & NULLS_FIRST) !== 0;
    // NULLS LAST is the default ascending, NULLS FIRST descending.
    const nulls = nullsFirst !== descending ? (nullsFirst ? "first" : "last") : undefined;
    return {
      column: k.column ?? k.expression,
      ...(k.column === null ? { expression: true } : {}),
      ...(descending ? { descending } : {}),
      ...(nulls ? { nulls } : {}),
      ...(k.opclass ? { opclass: k.opclass } : {}),
      ...(k.collation ? { collation: k.collation } : {}),
    };
  });
  const parameters = storageParameters(row.options);
  return {
    name: row.name,
    keys,
    unique: row.unique,
    method: row.method,
    include: row.include,
    ...(row.where !== null ? { where: row.where } : {}),
    ...(row.nulls_not_distinct ? { nullsNotDistinct: true } : {}),
    ...(parameters ? { with: parameters } : {}),
  };
}

/**
 * The defaults, checks and indexes of tables that call given routines, from
 * `pg_depend` (only what a plan can take off and put back, or rebuild: not
 * an index that backs a constraint).
 */
import { sql } from "kysely";
import type { RoutineCaller } from "../../../model/objects/function.ts";
import { routineId } from "./functions.ts";
import type { Db } from "./scope.ts";

/** `routines`: {@link objectId}s of functions and procedures. */
export async function routineCallers(db: Db, routines: readonly string[]): Promise<RoutineCaller[]> {
  if (routines.length === 0) return [];
  const rows = await sql<RoutineCaller>`
    with r as (
      select p.oid, ${sql.raw(routineId("p", "pn"))} as id
        from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace
    )
    select distinct r.id as routine,
           case when att.attgenerated = 's' then 'generated' when att.attnum is not null then 'default'
                when con.oid is not null then 'check' else 'index' end as kind,
           tn.nspname::text as schema, tc.relname::text as table,
           coalesce(att.attname, con.conname, ic.relname)::text as name
      from r
      join pg_depend d on d.refclassid = 'pg_proc'::regclass and d.refobjid = r.oid and d.deptype = 'n'
      left join pg_attrdef ad on d.classid = 'pg_attrdef'::regclass and ad.oid = d.objid
      left join pg_attribute att on att.attrelid = ad.adrelid and att.attnum = ad.adnum
      left join pg_constraint con on d.classid = 'pg_constraint'::regclass and con.oid = d.objid and con.contype = 'c'
      left join pg_index ix on d.classid = 'pg_class'::regclass and ix.indexrelid = d.objid
        and not exists (select 1 from pg_constraint k where k.conindid = ix.indexrelid and k.contype in ('p', 'u', 'x'))
      left join pg_class ic on ic.oid = ix.indexrelid
      join pg_class tc on tc.oid = coalesce(att.attrelid, nullif(con.conrelid, 0), ix.indrelid)
      join pg_namespace tn on tn.oid = tc.relnamespace
      where r.id = any(${[...routines]}::text[])
      order by 1, 2, 3, 4, 5`.execute(db);
  return rows.rows;
}

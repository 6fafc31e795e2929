/**
 * What `pull` cannot express in the DSL, listed so it is never dropped
 * silently: views, triggers, functions, rules, standalone sequences,
 * exclusion constraints and domains in the managed schemas, and what a
 * partition's column holds of its own (kyrage gives partitions exactly their
 * parent's columns).
 */
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function unsupportedObjects(db: Kysely<any>, schemas: readonly string[]): Promise<string[]> {
  const inSchemas = sql`n.nspname = any(${sql.val([...schemas])}::text[])`;
  const rows = await sql<{ what: string }>`
    select 'view ' || n.nspname || '.' || c.relname as what
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'v' and ${inSchemas}
    union all
    select 'materialized view ' || n.nspname || '.' || c.relname
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'm' and ${inSchemas}
    union all
    select 'column ' || x.name || ' of partition ' || x.partition || ': its own ' || x.own from (
      select a.attname::text as name, n.nspname || '.' || c.relname as partition, concat_ws(', ',
               case when a.attnotnull and not pa.attnotnull and not exists (
                      select 1 from pg_constraint k
                      where k.conrelid = c.oid and k.contype = 'p' and a.attnum = any(k.conkey))
                    then 'NOT NULL' end,
               case when pg_get_expr(d.adbin, d.adrelid) is distinct from pg_get_expr(pd.adbin, pd.adrelid)
                    then 'default (' || coalesce(pg_get_expr(d.adbin, d.adrelid), 'none') || ')' end,
               case when a.attstorage <> pa.attstorage then 'storage' end,
               case when a.attcompression <> pa.attcompression then 'compression' end,
               case when col_description(c.oid, a.attnum) is not null then 'comment' end) as own
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        join pg_inherits i on i.inhrelid = c.oid
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        join pg_attribute pa on pa.attrelid = i.inhparent and pa.attname = a.attname
        left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
        left join pg_attrdef pd on pd.adrelid = pa.attrelid and pd.adnum = pa.attnum
        where c.relispartition and ${inSchemas}) x
      where x.own <> ''
    union all
    select 'sequence ' || n.nspname || '.' || c.relname
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'S' and ${inSchemas}
        and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i'))
    union all
    select 'trigger ' || t.tgname || ' on ' || n.nspname || '.' || c.relname
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and ${inSchemas}
    union all
    select 'rule ' || r.rulename || ' on ' || n.nspname || '.' || c.relname
      from pg_rewrite r join pg_class c on c.oid = r.ev_class join pg_namespace n on n.oid = c.relnamespace
      where r.rulename <> '_RETURN' and ${inSchemas}
    union all
    select 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where ${inSchemas}
        and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
    union all
    select 'exclusion constraint ' || con.conname || ' on ' || n.nspname || '.' || c.relname
      from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
      where con.contype = 'x' and ${inSchemas}
    union all
    select 'domain ' || n.nspname || '.' || t.typname
      from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typtype = 'd' and ${inSchemas}
    order by 1`.execute(db);
  return rows.rows.map((r) => r.what);
}

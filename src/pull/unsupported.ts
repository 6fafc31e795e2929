/**
 * What `pull` cannot express in the DSL, listed so it is never dropped
 * silently: views, triggers, functions, rules, standalone sequences,
 * exclusion constraints, partitions, domains and range types with a
 * canonical function in the managed schemas.
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
    select 'partition ' || n.nspname || '.' || c.relname
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relispartition and ${inSchemas}
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
        -- Extension members, and a range type's own constructors (part of the type).
        and not exists (
          select 1 from pg_depend d
          where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype in ('e', 'i'))
    union all
    select 'exclusion constraint ' || con.conname || ' on ' || n.nspname || '.' || c.relname
      from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
      where con.contype = 'x' and ${inSchemas}
    union all
    select 'range type ' || n.nspname || '.' || t.typname || ' (with canonical function ' || r.rngcanonical::text || ')'
      from pg_range r join pg_type t on t.oid = r.rngtypid join pg_namespace n on n.oid = t.typnamespace
      where r.rngcanonical <> 0 and ${inSchemas}
        and not exists (
          select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
    union all
    select 'domain ' || n.nspname || '.' || t.typname
      from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typtype = 'd' and ${inSchemas}
    order by 1`.execute(db);
  return rows.rows.map((r) => r.what);
}

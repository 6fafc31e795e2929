/**
 * What kyrage does not manage in the managed schemas, listed so it is never
 * dropped silently by `pull` nor read as "in sync" by `plan` and `status`:
 * constraint triggers, aggregates and C functions, rules, exclusion constraints, range types with a
 * canonical function, what a partition's column holds of its own (kyrage gives partitions exactly their
 * parent's columns), and the attributes of managed tables the model does not
 * hold (tablespaces, INHERITS, OF type, FORCE ROW LEVEL SECURITY alone,
 * privileges (of functions too), access methods, CLUSTER ON, column statistics targets and
 * options, a column sequence in another schema or a serial's options, NOT ENFORCED,
 * PERIOD, ON DELETE SET (columns) and named NOT NULL constraints, keys' INCLUDE columns, invalid indexes, comments
 * on indexes, constraints, types, schemas and view columns).
 * One query, one round trip: it runs on every plan.
 */
import { type Kysely, sql } from "kysely";
import {
  DELETE_SET_COLUMNS,
  NOT_ENFORCED,
  PERIOD,
  UNMANAGED_NOT_NULL,
} from "../dialect/postgres/introspect/constraints.ts";
import { MANAGED_TABLE, scopeOf } from "../dialect/postgres/introspect/scope.ts";
import { scopeIsEmpty } from "../dialect/postgres/introspect/empty.ts";
import { serialSequence } from "../dialect/postgres/introspect/sequences.ts";

// deno-lint-ignore no-explicit-any
export async function unsupportedObjects(db: Kysely<any>, schemas: readonly string[]): Promise<string[]> {
  if (await scopeIsEmpty(db, scopeOf(schemas))) return [];
  const inSchemas = sql`n.nspname = any(${sql.val([...schemas])}::text[])`;
  const rows = await sql<{ what: string }>`
    select 'column ' || x.name || ' of partition ' || x.partition || ': its own ' || x.own as what from (
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
    select 'constraint trigger ' || t.tgname || ' on ' || n.nspname || '.' || c.relname
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and t.tgconstraint <> 0 and ${inSchemas}
    union all
    select 'rule ' || r.rulename || ' on ' || n.nspname || '.' || c.relname
      from pg_rewrite r join pg_class c on c.oid = r.ev_class join pg_namespace n on n.oid = c.relnamespace
      where r.rulename <> '_RETURN' and ${inSchemas}
    union all
    -- Aggregates, window functions, and C or internal ones.
    select case p.prokind when 'a' then 'aggregate ' when 'w' then 'window function ' else 'function ' end ||
           n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' ||
           case when p.prokind in ('f', 'p') then ' (language ' || l.lanname || ')' else '' end
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
      where ${inSchemas} and (p.prokind not in ('f', 'p') or l.lanname in ('c', 'internal'))
        -- Extension members, and a range type's own constructors (part of the type).
        and not exists (
          select 1 from pg_depend d
          where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype in ('e', 'i'))
    union all
    select 'privileges on ' || case p.prokind when 'p' then 'procedure ' else 'function ' end || n.nspname || '.' ||
           p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where ${inSchemas} and p.proacl is not null and p.proacl <> acldefault('f', p.proowner)
        and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid
                        and d.deptype in ('e', 'i'))
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
    select 'foreign table ' || n.nspname || '.' || c.relname
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'f' and ${inSchemas}
    union all
    select 'statistics ' || n.nspname || '.' || x.stxname || ' on ' || cn.nspname || '.' || c.relname
      from pg_statistic_ext x join pg_namespace n on n.oid = x.stxnamespace
      join pg_class c on c.oid = x.stxrelid join pg_namespace cn on cn.oid = c.relnamespace
      where ${inSchemas}
    union all
    -- Attributes of managed tables that the model does not hold, each from its own small catalog.
    select a.what
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      cross join lateral unnest(array[
        (select 'table ' || n.nspname || '.' || c.relname || ' in tablespace ' || spcname
           from pg_tablespace where oid = c.reltablespace),
        (select 'table ' || n.nspname || '.' || c.relname || ' of type ' || tn.nspname || '.' || t.typname
           from pg_type t join pg_namespace tn on tn.oid = t.typnamespace where t.oid = c.reloftype),
        -- The DSL spells FORCE only together with ENABLE.
        case when c.relforcerowsecurity and not c.relrowsecurity
             then 'forced row-level security (not enabled) on ' || n.nspname || '.' || c.relname end
      ]) a(what)
      where (c.reltablespace <> 0 or c.reloftype <> 0 or c.relforcerowsecurity and not c.relrowsecurity)
        and a.what is not null and ${inSchemas} and ${MANAGED_TABLE}
    union all
    select 'table ' || n.nspname || '.' || c.relname || ' inheriting from ' || pn.nspname || '.' || p.relname
      from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace
      join pg_class p on p.oid = i.inhparent join pg_namespace pn on pn.oid = p.relnamespace
      where not c.relispartition and ${inSchemas} and ${MANAGED_TABLE}
    union all
    select 'index ' || ic.relname || ' on ' || n.nspname || '.' || c.relname || ' in tablespace ' || ts.spcname
      from pg_class ic join pg_tablespace ts on ts.oid = ic.reltablespace
      join pg_index x on x.indexrelid = ic.oid join pg_class c on c.oid = x.indrelid
      join pg_namespace n on n.oid = c.relnamespace
      where ${inSchemas} and ${MANAGED_TABLE}
    union all
    -- Per-column attributes of managed tables the model does not hold.
    select x.what from (
      select case
          when a.attacl is not null then 'privileges on column ' || a.attname || ' of ' || n.nspname || '.' || c.relname
        end as what from pg_attribute a join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where a.attnum > 0 and not a.attisdropped and ${inSchemas} and ${MANAGED_TABLE}
      union all
      select 'statistics target of column ' || a.attname || ' of ' || n.nspname || '.' || c.relname
        from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        -- -1 up to PostgreSQL 16, NULL from 17 on: the default.
        where a.attnum > 0 and not a.attisdropped and coalesce(a.attstattarget::int, -1) <> -1
          and ${inSchemas} and ${MANAGED_TABLE}
      union all
      select 'options ' || array_to_string(a.attoptions, ', ') || ' of column ' || a.attname || ' of ' ||
             n.nspname || '.' || c.relname
        from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where a.attnum > 0 and not a.attisdropped and a.attoptions is not null and ${inSchemas} and ${MANAGED_TABLE}
    ) x where x.what is not null
    union all
    -- Table attributes the model does not hold.
    select a.what
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      cross join lateral unnest(array[
        case when c.relacl is not null and c.relacl <> acldefault('r', c.relowner)
             then 'privileges on table ' || n.nspname || '.' || c.relname end,
        (select 'table ' || n.nspname || '.' || c.relname || ' using access method ' || am.amname
           from pg_am am where am.oid = c.relam and am.amname <> 'heap'),
        (select 'table ' || n.nspname || '.' || c.relname || ' clustered on index ' || ic.relname
           from pg_index x join pg_class ic on ic.oid = x.indexrelid where x.indrelid = c.oid and x.indisclustered)
      ]) a(what)
      where a.what is not null and ${inSchemas} and ${MANAGED_TABLE}
    union all
    -- A column's own sequence (serial or identity) in another schema than its table, or a serial's sequence
    -- with options (the model holds an identity's options, not a serial's). One named otherwise in the table's
    -- schema is renamed by the plan (diff/derived_names.ts); one with both a name and options of its own is a
    -- sequence (introspect/sequences.ts).
    select 'sequence ' || sn.nspname || '.' || s.relname || ' of column ' || a.attname || ' of ' ||
           n.nspname || '.' || c.relname || case when d.deptype = 'a' then ' (serial)' else ' (identity)' end
      from pg_depend d join pg_class s on s.oid = d.objid join pg_namespace sn on sn.oid = s.relnamespace
      join pg_sequence q on q.seqrelid = s.oid
      join pg_class c on c.oid = d.refobjid join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
      where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
        and s.relkind = 'S' and ${inSchemas} and ${MANAGED_TABLE}
        -- Owned by a column whose default does not call it: a sequence of its own (OWNED BY).
        and (d.deptype = 'i' or exists (
          select 1 from pg_attrdef ad join pg_depend dd on dd.classid = 'pg_attrdef'::regclass and dd.objid = ad.oid
          where ad.adrelid = c.oid and ad.adnum = a.attnum and dd.refclassid = 'pg_class'::regclass
            and dd.refobjid = s.oid) and ${sql.raw(serialSequence("q", "a.atttypid", "c.relname", "a.attname"))})
        and (sn.oid <> n.oid
             or d.deptype = 'a' and (q.seqstart <> 1 or q.seqincrement <> 1 or q.seqmin <> 1 or q.seqcache <> 1
               or q.seqcycle or q.seqmax <> case format_type(q.seqtypid, null)
                 when 'smallint' then 32767 when 'integer' then 2147483647 else 9223372036854775807 end))
    union all
    -- Constraint attributes the model does not hold: introspect/constraints.ts leaves these constraints out.
    select x.what from (
      select case
          when ${NOT_ENFORCED} then 'NOT ENFORCED '
          when ${PERIOD} then 'WITHOUT OVERLAPS / PERIOD '
          when ${DELETE_SET_COLUMNS} then 'ON DELETE SET (columns) '
          when ${UNMANAGED_NOT_NULL} then 'NOT NULL '
        end || 'constraint ' || con.conname || ' on ' || n.nspname || '.' || c.relname as what
        from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
        left join pg_attribute a on a.attrelid = c.oid and a.attnum = con.conkey[1]
        where con.conislocal and ${inSchemas} and ${MANAGED_TABLE}
    ) x where x.what is not null
    union all
    select 'privileges on type ' || n.nspname || '.' || t.typname
      from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where t.typtype in ('e', 'c', 'r') and t.typacl is not null and t.typacl <> acldefault('T', t.typowner)
        and ${inSchemas}
    union all
    -- Comments the model does not hold (it holds those on tables and columns).
    select 'comment on index ' || n.nspname || '.' || c.relname
      from pg_description d join pg_class c on c.oid = d.objoid join pg_namespace n on n.oid = c.relnamespace
      where d.classoid = 'pg_class'::regclass and c.relkind in ('i', 'I') and ${inSchemas}
    union all
    -- Not in the model (introspect/indexes.ts): a declared one is built again, any other is left.
    select 'invalid index ' || ic.relname || ' on ' || n.nspname || '.' || c.relname ||
           ' (a failed or running concurrent build)'
      from pg_index x join pg_class ic on ic.oid = x.indexrelid join pg_class c on c.oid = x.indrelid
      join pg_namespace n on n.oid = c.relnamespace
      where not x.indisvalid and ${inSchemas}
    union all
    -- A key's INCLUDE columns: the model holds them on indexes only.
    select 'INCLUDE columns of constraint ' || con.conname || ' on ' || n.nspname || '.' || c.relname
      from pg_constraint con join pg_index x on x.indexrelid = con.conindid
      join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
      where con.contype in ('p', 'u') and x.indnkeyatts < x.indnatts and ${inSchemas}
    union all
    select 'comment on constraint ' || con.conname || ' on ' || n.nspname || '.' || c.relname
      from pg_description d join pg_constraint con on con.oid = d.objoid
      join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
      where d.classoid = 'pg_constraint'::regclass and ${inSchemas}
    union all
    select 'comment on type ' || n.nspname || '.' || t.typname
      from pg_description d join pg_type t on t.oid = d.objoid join pg_namespace n on n.oid = t.typnamespace
      where d.classoid = 'pg_type'::regclass and t.typtype in ('e', 'c', 'r') and ${inSchemas}
    union all
    -- A schema's comment (the model holds its name only), but not the one every new database's public has.
    select 'comment on schema ' || n.nspname
      from pg_description d join pg_namespace n on n.oid = d.objoid
      where d.classoid = 'pg_namespace'::regclass and ${inSchemas}
        and not (n.nspname = 'public' and d.description = 'standard public schema')
    union all
    -- Comments on a view's columns (the model holds the view's own comment only).
    select 'comment on column ' || a.attname || ' of ' ||
           case c.relkind when 'v' then 'view ' else 'materialized view ' end || n.nspname || '.' || c.relname
      from pg_description d join pg_class c on c.oid = d.objoid join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid
      where d.classoid = 'pg_class'::regclass and d.objsubid > 0 and c.relkind in ('v', 'm') and ${inSchemas}
    union all
    -- View, materialized view and sequence attributes the model does not hold (nor grants on them).
    select a.what
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      cross join lateral unnest(array[
        case when c.relacl is not null and c.relacl <> acldefault(case c.relkind when 'S' then 's' else 'r' end::"char",
                                                                  c.relowner)
             then 'privileges on ' || case c.relkind when 'v' then 'view ' when 'm' then 'materialized view '
                                      else 'sequence ' end || n.nspname || '.' || c.relname end,
        case when c.relkind = 'm' and c.reloptions is not null
             then 'storage parameters of materialized view ' || n.nspname || '.' || c.relname end
      ] || array(select 'default of column ' || at.attname || ' of view ' || n.nspname || '.' || c.relname
                   from pg_attrdef ad join pg_attribute at on at.attrelid = ad.adrelid and at.attnum = ad.adnum
                   where ad.adrelid = c.oid and c.relkind = 'v')) a(what)
      where a.what is not null and c.relkind in ('v', 'm', 'S') and ${inSchemas}
        and not exists (select 1 from pg_depend d
                        where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    order by 1`.execute(db);
  return rows.rows.map((r) => r.what);
}

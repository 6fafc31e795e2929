/**
 * Sequences of their own: not an extension's, not a column's identity, and
 * not a serial's (owned by a column whose default calls it, with the options
 * or the name a serial gets). Options from `pg_sequence`, in the normal form identity
 * options use.
 */
import { sql } from "kysely";
import type { DbObject } from "../../../model/objects.ts";
import type { SequenceType } from "../../../model/objects/sequence.ts";
import { normalSequenceOptions } from "../../../model/sequences.ts";
import type { Db, Scope } from "./scope.ts";

/**
 * SQL text: the `pg_sequence` row `seq` is what `serial` gives column `column` (of type `typid`) of table
 * `table`: its options, or its name. One declared under another name with options of its own (the README's
 * invoice_number, `start: 1000`) stays a sequence though the column's default calls it.
 */
export const serialSequence = (seq: string, typid: string, table: string, column: string): string =>
  `(${seq}.seqtypid = ${typid} and ${seq}.seqstart = 1 and ${seq}.seqincrement = 1 and ${seq}.seqmin = 1
    and ${seq}.seqmax = case ${seq}.seqtypid when 'int2'::regtype then 32767 when 'int4'::regtype then 2147483647
                         else 9223372036854775807 end
    and ${seq}.seqcache = 1 and not ${seq}.seqcycle and obj_description(${seq}.seqrelid, 'pg_class') is null
    or (select sc.relname from pg_class sc where sc.oid = ${seq}.seqrelid) = ${table} || '_' || ${column} || '_seq')`;

interface SequenceRow {
  schema: string;
  name: string;
  type: SequenceType;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  comment: string | null;
  owner_table: string | null;
  owner_column: string | null;
}

export async function introspectSequences(db: Db, scope: Scope): Promise<DbObject[]> {
  const rows = await sql<SequenceRow>`
    select n.nspname::text as schema, c.relname::text as name, format_type(s.seqtypid, null) as type,
           s.seqstart::text as start, s.seqincrement::text as increment, s.seqmin::text as min,
           s.seqmax::text as max, s.seqcache::text as cache, s.seqcycle as cycle,
           obj_description(c.oid, 'pg_class') as comment,
           oc.relname::text as owner_table, oa.attname::text as owner_column
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_sequence s on s.seqrelid = c.oid
    left join pg_depend o on o.classid = 'pg_class'::regclass and o.objid = c.oid
      and o.refclassid = 'pg_class'::regclass and o.deptype = 'a'
    left join pg_class oc on oc.oid = o.refobjid
    left join pg_attribute oa on oa.attrelid = o.refobjid and oa.attnum = o.refobjsubid
    where ${scope.inSchemas} and c.relkind = 'S'
      and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('e', 'i'))
      -- A serial: its owning column's default calls it.
      and not exists (select 1 from pg_attrdef ad
                      join pg_depend dd on dd.classid = 'pg_attrdef'::regclass and dd.objid = ad.oid
                        and dd.refclassid = 'pg_class'::regclass and dd.refobjid = c.oid
                      join pg_attribute sa on sa.attrelid = ad.adrelid and sa.attnum = ad.adnum
                      where ad.adrelid = o.refobjid and ad.adnum = o.refobjsubid
                        and ${sql.raw(serialSequence("s", "sa.atttypid", "oc.relname", "sa.attname"))})
    order by n.nspname, c.relname`.execute(db);
  return rows.rows.map((row): DbObject => ({
    kind: "sequence",
    schema: row.schema,
    name: row.name,
    type: row.type,
    options: normalSequenceOptions(row.type, {
      start: row.start,
      increment: row.increment,
      minValue: row.min,
      maxValue: row.max,
      cache: row.cache,
      cycle: row.cycle,
    }),
    ...(row.owner_table !== null ? { ownedBy: { table: row.owner_table, column: row.owner_column! } } : {}),
    ...(row.comment !== null ? { comment: row.comment } : {}),
  }));
}

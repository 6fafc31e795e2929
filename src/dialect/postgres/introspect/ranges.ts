/**
 * Range types and their options, each only when it differs from what
 * `CREATE TYPE ... AS RANGE` would choose: the subtype's default b-tree
 * operator class and collation, no difference function, the derived
 * multirange name. Ranges with a canonical function are not managed (it
 * needs a shell type and a function kyrage cannot create); `pull` lists them.
 */
import { sql } from "kysely";
import { defaultMultirangeName, routineSpelling } from "../../../model/type_names.ts";
import type { RangeType } from "../../../model/types.ts";
import type { Db, Scope } from "./scope.ts";
import { collationSpelling, type SpelledType, spellType, userTypeJoin } from "./type_spelling.ts";

interface RangeRow extends SpelledType {
  schema: string;
  name: string;
  opclass_schema: string | null;
  opclass_name: string | null;
  collation: string | null;
  diff_schema: string | null;
  diff_name: string | null;
  multirange_schema: string | null;
  multirange_name: string | null;
}

/** SQL: ranges managed as such (no canonical function); `r` is pg_range. */
export const MANAGED_RANGE = sql`r.rngcanonical = 0`;

export async function introspectRanges(db: Db, scope: Scope): Promise<RangeType[]> {
  const rows = await sql<RangeRow>`
    select n.nspname::text as schema, t.typname::text as name,
           format_type(r.rngsubtype, null) as type, u.user_schema, u.user_name, u.is_array,
           so_n.nspname::text as opclass_schema, so.opcname::text as opclass_name,
           case when r.rngcollation <> 0 and r.rngcollation <> st.typcollation
                then ${sql.raw(collationSpelling("r.rngcollation"))} end as collation,
           dn.nspname::text as diff_schema, dp.proname::text as diff_name,
           mn.nspname::text as multirange_schema, mt.typname::text as multirange_name
    from pg_range r
    join pg_type t on t.oid = r.rngtypid
    join pg_namespace n on n.oid = t.typnamespace
    join pg_type st on st.oid = r.rngsubtype
    ${userTypeJoin("u", "r.rngsubtype")}
    left join lateral (
      -- GetDefaultOpClass: the subtype's own default b-tree class, else one it coerces to
      -- (the preferred type of its category first).
      select o.oid from pg_opclass o join pg_am am on am.oid = o.opcmethod
      where am.amname = 'btree' and o.opcdefault and (
        o.opcintype = st.oid
        or (o.opcintype = 'anyenum'::regtype and st.typtype = 'e')
        or (o.opcintype = 'anyarray'::regtype and st.typcategory = 'A')
        or (o.opcintype = 'record'::regtype and st.typtype = 'c')
        or (o.opcintype = 'anyrange'::regtype and st.typtype = 'r')
        or (o.opcintype = 'anymultirange'::regtype and st.typtype = 'm')
        or exists (select 1 from pg_cast k
                   where k.castsource = st.oid and k.casttarget = o.opcintype and k.castmethod = 'b'))
      order by o.opcintype = st.oid desc,
               exists (select 1 from pg_type it
                       where it.oid = o.opcintype and it.typispreferred and it.typcategory = st.typcategory) desc
      limit 1) default_opclass on true
    left join pg_opclass so on so.oid = r.rngsubopc and so.oid is distinct from default_opclass.oid
    left join pg_namespace so_n on so_n.oid = so.opcnamespace
    left join pg_proc dp on dp.oid = r.rngsubdiff
    left join pg_namespace dn on dn.oid = dp.pronamespace
    left join pg_type mt on mt.oid = r.rngmultitypid
    left join pg_namespace mn on mn.oid = mt.typnamespace
    where ${scope.inSchemas} and ${MANAGED_RANGE}
      and not exists (
        select 1 from pg_depend d
        where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')`.execute(db);
  return rows.rows.map(toRange);
}

function toRange(row: RangeRow): RangeType {
  const multirange = row.multirange_name !== null &&
      (row.multirange_schema !== row.schema || row.multirange_name !== defaultMultirangeName(row.name))
    ? { schema: row.multirange_schema!, name: row.multirange_name }
    : undefined;
  return {
    schema: row.schema,
    name: row.name,
    definition: {
      subtype: spellType(row),
      ...(row.opclass_name !== null ? { subtypeOpclass: routineSpelling(row.opclass_schema!, row.opclass_name) } : {}),
      ...(row.collation !== null ? { collation: row.collation } : {}),
      ...(row.diff_name !== null ? { subtypeDiff: routineSpelling(row.diff_schema!, row.diff_name) } : {}),
      ...(multirange ? { multirange } : {}),
    },
  };
}

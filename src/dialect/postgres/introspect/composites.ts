/** Composite types (`CREATE TYPE ... AS (...)`) and their attributes, in order; not tables' row types. */
import { sql } from "kysely";
import type { CompositeType } from "../../../model/types.ts";
import type { Db, Scope } from "./scope.ts";
import { collationSpelling, type SpelledType, spellType, userTypeJoin } from "./type_spelling.ts";

interface AttributeRow extends SpelledType {
  name: string;
  collation: string | null;
}

export async function introspectComposites(db: Db, scope: Scope): Promise<CompositeType[]> {
  const rows = await sql<{ schema: string; name: string; attributes: AttributeRow[] }>`
    select n.nspname::text as schema, t.typname::text as name,
           coalesce(json_agg(json_build_object(
             'name', a.attname::text,
             'type', format_type(a.atttypid, a.atttypmod),
             'user_schema', u.user_schema, 'user_name', u.user_name, 'is_array', u.is_array,
             'collation', case when a.attcollation <> at.typcollation and a.attcollation <> 0
                               then ${sql.raw(collationSpelling("a.attcollation"))} end
           ) order by a.attnum) filter (where a.attnum is not null), '[]') as attributes
    from pg_type t
    join pg_namespace n on n.oid = t.typnamespace
    join pg_class c on c.oid = t.typrelid and c.relkind = 'c'
    left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_type at on at.oid = a.atttypid
    ${userTypeJoin("u", "a.atttypid")}
    where t.typtype = 'c' and ${scope.inSchemas}
      and not exists (
        select 1 from pg_depend d
        where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
    group by n.nspname, t.typname`.execute(db);
  return rows.rows.map((row) => ({
    schema: row.schema,
    name: row.name,
    attributes: row.attributes.map((a) => ({
      name: a.name,
      type: spellType(a),
      ...(a.collation !== null ? { collation: a.collation } : {}),
    })),
  }));
}

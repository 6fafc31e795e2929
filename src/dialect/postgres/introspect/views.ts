/**
 * Views and materialized views: definition as `pg_get_viewdef` prints it,
 * columns, options, comment, the relations and functions they read (through
 * `pg_rewrite` in `pg_depend`, and the functions a materialized view's
 * indexes call), and a materialized view's indexes.
 */
import { sql } from "kysely";
import type { DbObject } from "../../../model/objects.ts";
import type { ViewColumn, ViewOptions } from "../../../model/objects/view.ts";
import { qualifiedName } from "../../../model/types.ts";
import { routineId } from "./functions.ts";
import { indexesOf } from "./indexes.ts";
import { allQueries, type Db, idName, type Scope } from "./scope.ts";
import { storageParameters } from "./tables.ts";

interface ViewRow {
  schema: string;
  name: string;
  materialized: boolean;
  definition: string;
  populated: boolean;
  options: string[] | null;
  comment: string | null;
  columns: ViewColumn[];
  depends: string[];
}

/** `dependsOn` ids of what a relation `c`'s rewrite rule reads, in the {@link objectId} spelling. */
export const RELATION_DEPENDENCIES = sql`array(
  select distinct case ref.relkind when 'v' then 'view:' when 'm' then 'materialized_view:' else 'table:' end
           || ${sql.raw(idName("rn.nspname", "ref.relname"))}
  from pg_rewrite r
  join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
    and d.refclassid = 'pg_class'::regclass and d.refobjid <> c.oid
  join pg_class ref on ref.oid = d.refobjid
  join pg_namespace rn on rn.oid = ref.relnamespace
  where r.ev_class = c.oid and ref.relkind in ('r', 'p', 'v', 'm')
  union
  -- The functions it calls.
  select ${sql.raw(routineId("p", "pn"))}
  from pg_rewrite r
  join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid and d.refclassid = 'pg_proc'::regclass
  join pg_proc p on p.oid = d.refobjid
  join pg_namespace pn on pn.oid = p.pronamespace
  where r.ev_class = c.oid
  union
  -- The functions a materialized view's indexes call: it is rebuilt, indexes and all, around their change.
  select ${sql.raw(routineId("p", "pn"))}
  from pg_index i
  join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = i.indexrelid and d.refclassid = 'pg_proc'::regclass
  join pg_proc p on p.oid = d.refobjid
  join pg_namespace pn on pn.oid = p.pronamespace
  where i.indrelid = c.oid
  order by 1)`;

export async function introspectViews(db: Db, scope: Scope): Promise<DbObject[]> {
  const relations = sql`${scope.inSchemas} and c.relkind = 'm'`;
  const [rows, indexes] = await allQueries([
    sql<ViewRow>`
      select n.nspname::text as schema, c.relname::text as name, c.relkind = 'm' as materialized,
             pg_get_viewdef(c.oid, true) as definition, c.relispopulated as populated,
             c.reloptions::text[] as options, obj_description(c.oid, 'pg_class') as comment,
             coalesce((select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod))
                                       order by a.attnum)
                       from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped),
                      '[]'::json) as columns,
             ${RELATION_DEPENDENCIES} as depends
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where ${scope.inSchemas} and c.relkind in ('v', 'm')
        -- Views an extension installs are the extension's.
        and not exists (select 1 from pg_depend e
                        where e.classid = 'pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')`
      .execute(db),
    indexesOf(db, relations),
  ]);
  return rows.rows.map((row): DbObject => {
    const base = {
      schema: row.schema,
      name: row.name,
      // pg_get_viewdef ends the query with a semicolon, which a statement cannot hold.
      definition: row.definition.trim().replace(/;$/, ""),
      columns: row.columns,
      ...(row.comment !== null ? { comment: row.comment } : {}),
      ...(row.depends.length > 0 ? { dependsOn: row.depends } : {}),
    };
    if (row.materialized) {
      return {
        kind: "materialized_view",
        ...base,
        withData: row.populated,
        indexes: indexes.get(qualifiedName(row.schema, row.name)) ?? [],
      };
    }
    return { kind: "view", ...base, options: viewOptions(storageParameters(row.options)) };
  });
}

function viewOptions(parameters: Record<string, string> | undefined): ViewOptions {
  if (!parameters) return {};
  const on = (v: string | undefined) => v !== undefined && ["true", "on", "1", "yes"].includes(v.toLowerCase());
  const check = parameters.check_option?.toLowerCase();
  return {
    ...(on(parameters.security_barrier) ? { securityBarrier: true } : {}),
    ...(on(parameters.security_invoker) ? { securityInvoker: true } : {}),
    ...(check === "local" || check === "cascaded" ? { checkOption: check } : {}),
  };
}

/**
 * Extensions installed in the covered schemas, or declared and installed
 * anywhere (plpgsql, in pg_catalog, never is): name, schema, version, and
 * the extensions each requires.
 */
import { sql } from "kysely";
import type { DbObject } from "../../../model/objects.ts";
import type { Db, Scope } from "./scope.ts";

interface ExtensionRow {
  schema: string;
  name: string;
  version: string;
  requires: string[];
}

export async function introspectExtensions(db: Db, scope: Scope): Promise<DbObject[]> {
  const rows = await sql<ExtensionRow>`
    select n.nspname::text as schema, e.extname::text as name, e.extversion::text as version,
           array(select 'extension:' || r.extname from pg_depend d join pg_extension r on r.oid = d.refobjid
                 where d.classid = 'pg_extension'::regclass and d.objid = e.oid
                   and d.refclassid = 'pg_extension'::regclass and d.deptype = 'n'
                 order by 1) as requires
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where (${scope.inSchemas} or e.extname = any(${sql.val([...scope.extensions])}::text[])) and e.extname <> 'plpgsql'
    order by e.extname`.execute(db);
  return rows.rows.map((row): DbObject => ({
    kind: "extension",
    schema: row.schema,
    name: row.name,
    version: row.version,
    ...(row.requires.length > 0 ? { dependsOn: row.requires } : {}),
  }));
}

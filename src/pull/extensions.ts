/** Pulled extensions → DSL data, each after the ones it requires; the installed version is kept exactly. */
import { type Kysely, sql } from "kysely";
import { placedSchema } from "./placement.ts";
import type { ExtensionDefinition } from "../config/dsl.ts";
import type { DbObject, ExtensionObject } from "../model/objects.ts";
import { DEFAULT_SCHEMA } from "../model/qualified.ts";
import { dependencyFirst } from "./views.ts";

export function pullExtensions(objects: readonly DbObject[]): ExtensionDefinition[] {
  const extensions = objects.filter((o): o is ExtensionObject => o.kind === "extension");
  return dependencyFirst(extensions).map((e) => ({
    kind: "extension",
    name: e.name,
    ...(e.schema !== DEFAULT_SCHEMA ? { schema: e.schema } : {}),
    ...(e.version !== undefined ? { version: e.version } : {}),
  }));
}

/**
 * The schemas outside `schemas` holding an extension that something in them uses (a column's type, a default, an
 * index's operator class, a function's argument, a view), as a shared `extensions` schema hosted PostgreSQL sets up:
 * pulled too, so the config declares the extension where it is and the baseline creates it before what uses it
 * (a config may only declare an extension, and use its types, in a schema kyrage owns). A default, a view's query,
 * a trigger and a policy are placed by their table.
 */
// deno-lint-ignore no-explicit-any
export async function extensionSchemas(db: Kysely<any>, schemas: readonly string[]): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select distinct en.nspname::text as name
      from pg_depend d
      join pg_depend m on m.classid = d.refclassid and m.objid = d.refobjid and m.deptype = 'e'
      join pg_extension e on e.oid = m.refobjid join pg_namespace en on en.oid = e.extnamespace
      -- Not plpgsql (in pg_catalog), whose language every PL/pgSQL function uses.
      where d.deptype = 'n' and en.nspname <> all(${sql.val([...schemas])}::text[]) and en.nspname !~ '^pg_'
        and not exists (select 1 from pg_depend x where x.classid = d.classid and x.objid = d.objid and x.deptype = 'e')
        and ${placedSchema(sql`(pg_identify_object(d.classid, d.objid, d.objsubid)).schema`)}
          = any(array(select quote_ident(s) from unnest(${sql.val([...schemas])}::text[]) s))
      order by 1`.execute(db);
  return rows.rows.map((r) => r.name);
}

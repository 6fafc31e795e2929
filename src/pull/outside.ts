/**
 * What the pulled schemas use from a schema pull leaves out (a foreign key's table, a column's type or domain, a
 * default's sequence, a view's table): the config pull would write could not load, or its baseline could not replay,
 * so pull refuses, naming each and the schemas to add. Extensions are not among them: their schema is pulled with
 * them (extensions.ts), and what PostgreSQL ships (`pg_*`, information_schema) is everywhere.
 */
import { type Kysely, sql } from "kysely";
import { KyrageError } from "../errors.ts";
import { placedSchema } from "./placement.ts";

// deno-lint-ignore no-explicit-any
export async function refuseOutsideUses(db: Kysely<any>, schemas: readonly string[]): Promise<void> {
  // pg_identify_object and regnamespace give names quoted as identifiers.
  const quoted = sql`array(select quote_ident(s) from unnest(${sql.val([...schemas])}::text[]) s)`;
  const rows = await sql<{ user: string; used: string; schema: string }>`
    select distinct u.type || ' ' || u.identity as user, r.type || ' ' || r.identity as used,
           (select nspname from pg_namespace where quote_ident(nspname) = r.schema) as schema
      from pg_depend d
      cross join lateral pg_identify_object(d.classid, d.objid, d.objsubid) u
      cross join lateral pg_identify_object(d.refclassid, d.refobjid, 0) r
      where d.deptype = 'n' and r.schema is not null and r.schema <> all(${quoted})
        and r.schema !~ '^"?pg_' and r.schema <> 'information_schema'
        and ${placedSchema(sql`u.schema`)} = any(${quoted})
        -- A key's index goes with its table; a column's own sequence elsewhere is listed NOT MANAGED (unsupported.ts).
        and r.type <> 'index'
        and not exists (select 1 from pg_depend o where o.classid = 'pg_class'::regclass and o.objid = d.refobjid
                          and o.refclassid = 'pg_class'::regclass and o.deptype in ('a', 'i'))
        -- Extension members, on either side, are the extension's.
        and not exists (select 1 from pg_depend x where x.deptype = 'e'
                          and (x.classid, x.objid) in ((d.classid, d.objid), (d.refclassid, d.refobjid)))
      order by 3, 2, 1`.execute(db);
  if (rows.rows.length === 0) return;
  const outside = [...new Set(rows.rows.map((r) => r.schema))];
  const shown = rows.rows.slice(0, 10).map((r) => `${r.user} uses ${r.used}`);
  throw new KyrageError(
    `pull cannot write a config that loads and replays: what it pulls from ${schemas.join(", ")} uses objects in ` +
      `${outside.join(", ")}, which it does not pull: ${shown.join("; ")}${
        rows.rows.length > shown.length ? `; and ${rows.rows.length - shown.length} more` : ""
      }. Pull those schemas too (--schema ${[...schemas, ...outside].join(",")}; kyrage then owns them), or move ` +
      "the objects into a pulled schema. Nothing was written.",
  );
}

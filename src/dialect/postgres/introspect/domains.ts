/**
 * Domains: base type (spelled as a column's), default, NOT NULL, collation
 * when not the base type's, checks as `pg_get_expr` prints them, comment,
 * and the domains and functions they use (`pg_depend`).
 */
import { sql } from "kysely";
import type { DbObject } from "../../../model/objects.ts";
import type { DomainCheck } from "../../../model/objects/domain.ts";
import { type Db, idName, type Scope } from "./scope.ts";
import { collationSpelling, type SpelledType, spellType, userTypeJoin } from "./type_spelling.ts";

interface DomainRow extends SpelledType {
  schema: string;
  name: string;
  default: string | null;
  not_null: boolean;
  collation: string | null;
  checks: { name: string; expression: string; valid: boolean }[];
  comment: string | null;
  depends: string[];
}

export async function introspectDomains(db: Db, scope: Scope): Promise<DbObject[]> {
  const rows = await sql<DomainRow>`
    select n.nspname::text as schema, t.typname::text as name,
           format_type(t.typbasetype, t.typtypmod) as type, ut.user_schema, ut.user_name, ut.is_array,
           t.typdefault as default, t.typnotnull as not_null,
           case when t.typcollation <> b.typcollation then ${sql.raw(collationSpelling("t.typcollation"))} end
             as collation,
           coalesce((select json_agg(json_build_object('name', c.conname::text, 'expression', pg_get_expr(c.conbin, 0),
                                                       'valid', c.convalidated)
                                     order by c.conname)
                     from pg_constraint c where c.contypid = t.oid and c.contype = 'c'), '[]'::json) as checks,
           obj_description(t.oid, 'pg_type') as comment,
           array(select distinct case when d.refclassid = 'pg_proc'::regclass
                   then (select 'function:' || ${sql.raw(idName("pn.nspname", "p.proname"))} || '(' ||
                                pg_get_function_identity_arguments(p.oid) || ')'
                         from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace where p.oid = d.refobjid)
                   else (select 'domain:' || ${sql.raw(idName("dn.nspname", "dt.typname"))}
                         from pg_type dt join pg_namespace dn on dn.oid = dt.typnamespace
                         where dt.oid = d.refobjid and dt.typtype = 'd') end
                 from pg_depend d
                 where d.deptype = 'n' and d.refclassid in ('pg_proc'::regclass, 'pg_type'::regclass)
                   and (d.classid = 'pg_type'::regclass and d.objid = t.oid
                        or d.classid = 'pg_constraint'::regclass
                           and d.objid in (select oid from pg_constraint where contypid = t.oid))) as depends
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    join pg_type b on b.oid = t.typbasetype
    ${userTypeJoin("ut", "t.typbasetype")}
    where ${scope.inSchemas} and t.typtype = 'd'
      and not exists (select 1 from pg_depend e
                      where e.classid = 'pg_type'::regclass and e.objid = t.oid and e.deptype = 'e')`.execute(db);
  return rows.rows.map((row): DbObject => {
    const depends = row.depends.filter((d) => d !== null);
    return {
      kind: "domain",
      schema: row.schema,
      name: row.name,
      type: spellType(row),
      ...(row.default !== null ? { default: row.default } : {}),
      notNull: row.not_null,
      ...(row.collation !== null ? { collation: row.collation } : {}),
      checks: row.checks.map(({ name, expression, valid }): DomainCheck => ({
        name,
        expression,
        ...(valid ? {} : { notValid: true as const }),
      })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      ...(row.comment !== null ? { comment: row.comment } : {}),
      ...(depends.length > 0 ? { dependsOn: depends } : {}),
    };
  });
}

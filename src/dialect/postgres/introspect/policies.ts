/**
 * Row-level security policies: command, permissive or restrictive, roles,
 * `USING` and `WITH CHECK` as `pg_get_expr` prints them, comment, and what
 * their expressions read (normal dependencies in `pg_depend`).
 */
import { sql } from "kysely";
import type { DbObject } from "../../../model/objects.ts";
import type { PolicyCommand } from "../../../model/objects/policy.ts";
import { type Db, idName, type Scope } from "./scope.ts";

interface PolicyRow {
  schema: string;
  table: string;
  name: string;
  command: string;
  permissive: boolean;
  roles: string[];
  using: string | null;
  with_check: string | null;
  comment: string | null;
  depends: string[];
}

const COMMANDS: Record<string, PolicyCommand> = { "*": "all", r: "select", a: "insert", w: "update", d: "delete" };

/** `dependsOn` ids of what policy `pol` reads: relations (`table:`, `view:`, ...) and functions. */
const POLICY_DEPENDENCIES = sql`array(
  select distinct case when d.refclassid = 'pg_proc'::regclass
           then (select 'function:' || ${sql.raw(idName("pn.nspname", "p.proname"))} || '(' ||
                        pg_get_function_identity_arguments(p.oid) || ')'
                 from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace where p.oid = d.refobjid)
           else (select case r.relkind when 'v' then 'view:' when 'm' then 'materialized_view:' else 'table:' end ||
                        ${sql.raw(idName("rn.nspname", "r.relname"))}
                 from pg_class r join pg_namespace rn on rn.oid = r.relnamespace
                 where r.oid = d.refobjid and r.relkind in ('r', 'p', 'v', 'm')) end
  from pg_depend d
  where d.classid = 'pg_policy'::regclass and d.objid = pol.oid and d.deptype = 'n'
    and d.refclassid in ('pg_class'::regclass, 'pg_proc'::regclass))`;

export async function introspectPolicies(db: Db, scope: Scope): Promise<DbObject[]> {
  const rows = await sql<PolicyRow>`
    select n.nspname::text as schema, c.relname::text as table, pol.polname::text as name,
           pol.polcmd::text as command, pol.polpermissive as permissive,
           array(select case when r = 0 then 'public' else (select rolname::text from pg_roles where oid = r) end
                 from unnest(pol.polroles) r) as roles,
           pg_get_expr(pol.polqual, pol.polrelid) as using,
           pg_get_expr(pol.polwithcheck, pol.polrelid) as with_check,
           obj_description(pol.oid, 'pg_policy') as comment,
           ${POLICY_DEPENDENCIES} as depends
    from pg_policy pol join pg_class c on c.oid = pol.polrelid join pg_namespace n on n.oid = c.relnamespace
    where ${scope.inSchemas}`.execute(db);
  return rows.rows.map((row): DbObject => {
    const depends = row.depends.filter((d) => d !== null);
    return {
      kind: "policy",
      schema: row.schema,
      name: row.name,
      table: row.table,
      command: COMMANDS[row.command],
      permissive: row.permissive,
      roles: [...row.roles].sort(),
      ...(row.using !== null ? { using: row.using } : {}),
      ...(row.with_check !== null ? { withCheck: row.with_check } : {}),
      ...(row.comment !== null ? { comment: row.comment } : {}),
      ...(depends.length > 0 ? { dependsOn: depends } : {}),
    };
  });
}

/**
 * Functions and procedures (not aggregates, window functions, C or internal
 * ones, nor an extension's or a range type's own): each argument with its
 * mode, type and default, the result as `pg_get_function_result` prints it,
 * the body, attributes, settings and comment, and what it reads (its types'
 * tables, and what a SQL-standard body uses) from `pg_depend`.
 */
import { sql } from "kysely";
import type { DbObject } from "../../../model/objects.ts";
import type { FunctionArgument } from "../../../model/objects/function.ts";
import { type Db, idName, type Scope } from "./scope.ts";

/** SQL text: the {@link objectId} of routine `p` in namespace `n`. */
export const routineId = (p: string, n: string) =>
  `case ${p}.prokind when 'p' then 'procedure:' else 'function:' end || ${idName(`${n}.nspname`, `${p}.proname`)} ` +
  `|| '(' || pg_get_function_identity_arguments(${p}.oid) || ')'`;

/** SQL text: the id of relation `r` in namespace `n`, as the objects that read it name it. */
export const relationId = (r: string, n: string) =>
  `case ${r}.relkind when 'v' then 'view:' when 'm' then 'materialized_view:' else 'table:' end ` +
  `|| ${idName(`${n}.nspname`, `${r}.relname`)}`;

/** SQL text: a routine `p` kyrage manages. */
export const MANAGED_ROUTINE = `p.prokind in ('f', 'p')
  and (select l.lanname from pg_language l where l.oid = p.prolang) not in ('c', 'internal')
  -- Extension members, and a range type's own constructors (part of the type).
  and not exists (select 1 from pg_depend e where e.classid = 'pg_proc'::regclass and e.objid = p.oid
                  and e.deptype in ('e', 'i'))`;

interface RoutineRow {
  schema: string;
  name: string;
  procedure: boolean;
  identity: string;
  arguments: { name: string | null; type: string; mode: string; default: string | null }[];
  returns: string | null;
  language: string;
  body: string;
  volatility: "i" | "s" | "v";
  strict: boolean;
  security_definer: boolean;
  leakproof: boolean;
  parallel: "u" | "r" | "s";
  cost: number;
  rows: number;
  settings: string[] | null;
  comment: string | null;
  depends: string[];
}

const MODES: Record<string, FunctionArgument["mode"]> = { o: "out", b: "inout", v: "variadic" };
const VOLATILITY = { i: "immutable", s: "stable", v: "volatile" } as const;
const PARALLEL = { u: "unsafe", r: "restricted", s: "safe" } as const;

export async function introspectRoutines(db: Db, scope: Scope): Promise<DbObject[]> {
  const rows = await sql<RoutineRow>`
    select n.nspname::text as schema, p.proname::text as name, p.prokind = 'p' as procedure,
           pg_get_function_identity_arguments(p.oid) as identity,
           coalesce((select json_agg(json_build_object(
                       'name', nullif(p.proargnames[a.i], ''), 'type', format_type(a.type, null),
                       'mode', coalesce(p.proargmodes[a.i], 'i'), 'default', pg_get_function_arg_default(p.oid, a.i::int))
                     order by a.i)
                     from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality a(type, i)
                     where coalesce(p.proargmodes[a.i], 'i') <> 't'), '[]'::json) as arguments,
           pg_get_function_result(p.oid) as returns, l.lanname::text as language,
           coalesce(pg_get_function_sqlbody(p.oid), p.prosrc) as body,
           p.provolatile as volatility, p.proisstrict as strict, p.prosecdef as security_definer,
           p.proleakproof as leakproof, p.proparallel as parallel, p.procost::float8 as cost, p.prorows::float8 as rows,
           p.proconfig::text[] as settings, obj_description(p.oid, 'pg_proc') as comment,
           array(
             select distinct x.id from pg_depend d
             cross join lateral (
               select ${sql.raw(relationId("r", "rn"))} as id from pg_type t join pg_class r on r.oid = t.typrelid
                 join pg_namespace rn on rn.oid = r.relnamespace
                 where d.refclassid = 'pg_type'::regclass and t.oid = d.refobjid and r.relkind <> 'c'
               union all
               select 'domain:' || ${sql.raw(idName("tn.nspname", "t.typname"))} from pg_type t
                 join pg_namespace tn on tn.oid = t.typnamespace
                 where d.refclassid = 'pg_type'::regclass and t.oid = d.refobjid and t.typtype = 'd'
               union all
               select ${sql.raw(relationId("r", "rn"))} from pg_class r join pg_namespace rn on rn.oid = r.relnamespace
                 where d.refclassid = 'pg_class'::regclass and r.oid = d.refobjid and r.relkind in ('r', 'p', 'v', 'm')
               union all
               select ${sql.raw(routineId("q", "qn"))} from pg_proc q
                 join pg_namespace qn on qn.oid = q.pronamespace
                 where d.refclassid = 'pg_proc'::regclass and q.oid = d.refobjid
             ) x
             where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'n'
             order by 1) as depends
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
    where ${scope.inSchemas} and ${sql.raw(MANAGED_ROUTINE)}`
    .execute(db);
  return rows.rows.map(routineObject);
}

function routineObject(row: RoutineRow): DbObject {
  const base = {
    schema: row.schema,
    name: row.name,
    identityArguments: row.identity,
    arguments: row.arguments.map((a): FunctionArgument => ({
      ...(a.name !== null ? { name: a.name } : {}),
      type: a.type,
      ...(MODES[a.mode] ? { mode: MODES[a.mode] } : {}),
      ...(a.default !== null ? { default: a.default } : {}),
    })),
    language: row.language,
    body: row.body,
    securityDefiner: row.security_definer,
    settings: row.settings ?? [],
    ...(row.comment !== null ? { comment: row.comment } : {}),
    ...(row.depends.length > 0 ? { dependsOn: row.depends } : {}),
  };
  if (row.procedure) return { kind: "procedure", ...base };
  return {
    kind: "function",
    ...base,
    returns: row.returns ?? "",
    volatility: VOLATILITY[row.volatility],
    strict: row.strict,
    leakproof: row.leakproof,
    parallel: PARALLEL[row.parallel],
    cost: row.cost,
    rows: row.rows,
  };
}

/**
 * Objects kyrage does not manage (views, rules, triggers, policies,
 * functions, publications, columns of tables outside its schemas) that
 * depend on a table, column or enum type a migration drops or retypes:
 * PostgreSQL refuses the statement, so the migration could only fail. Found
 * with one set-based `pg_depend` query for all of them; a view is reached
 * through its `_RETURN` rule in `pg_rewrite`.
 *
 * Only normal dependencies (`deptype 'n'`) block: an index, constraint,
 * trigger, policy or rule of a dropped table goes with it, and PostgreSQL
 * rebuilds indexes and constraints over a retyped column itself. Renames
 * never block (PostgreSQL follows them). A function or procedure the plan
 * drops (to change its signature) is refused while a default, check or
 * index the plan keeps calls it: the plan does not rebuild those.
 */
import { sql } from "kysely";
import { type Db, MANAGED_TABLE, scopeOf } from "./dialect/postgres/introspect/scope.ts";
import type { Operation } from "./diff/operations.ts";
import { describeObject } from "./model/objects.ts";
import { qualifiedName } from "./model/types.ts";

/** Something the migration drops or retypes, by its name in the database before the migration. */
export interface Target {
  /**
   * Not looked up, only so that the plan's own drops are not counted: `relation`, a view or materialized view
   * (what belongs to it goes with it); `object`, a trigger or policy, under its table's name before the migration.
   */
  readonly kind: "table" | "column" | "type" | "routine" | "relation" | "object";
  readonly schema: string;
  readonly name: string;
  /** A column's name; a routine's identity arguments. */
  readonly column?: string;
  /** A retype keeps the object, and PostgreSQL rebuilds its indexes and constraints. */
  readonly retype: boolean;
  /** `column public.users.email` */
  readonly what: string;
  /** `which the migration drops` */
  readonly change: string;
  /** Position of the operation in the plan: objects of tables dropped before it are gone by then. */
  readonly at: number;
}

export interface Dependent {
  /** `view`, `trigger`, `function`, `column`, ...: what PostgreSQL calls it. */
  readonly kind: string;
  /** `view public.active_users` */
  readonly object: string;
  /** `column public.users.email` */
  readonly on: string;
  /** `which the migration drops` */
  readonly change: string;
  /** The table a column, default, constraint or index belongs to, when kyrage does not manage it. */
  readonly unmanagedOwner?: string;
  /** The managed table a default, constraint or index the plan keeps belongs to. */
  readonly keptBy?: string;
}

/** The tables, columns and types the operations drop or retype, under their pre-migration names. */
export function changedObjects(ops: readonly Operation[]): Target[] {
  const tableBefore = new Map<string, string>();
  const columnBefore = new Map<string, string>();
  for (const op of ops) {
    if (op.kind === "rename_table") tableBefore.set(qualifiedName(op.schema, op.to), op.from);
    if (op.kind === "rename_column") columnBefore.set(`${qualifiedName(op.schema, op.table)}.${op.to}`, op.from);
  }
  const table = (schema: string, name: string) => tableBefore.get(qualifiedName(schema, name)) ?? name;
  const column = (at: number, schema: string, t: string, c: string, retype: boolean, change: string): Target => {
    const name = table(schema, t);
    const col = columnBefore.get(`${qualifiedName(schema, t)}.${c}`) ?? c;
    return { kind: "column", schema, name, column: col, retype, what: `column ${schema}.${name}.${col}`, change, at };
  };
  const readded = new Set(
    ops.flatMap((op) => op.kind === "add_column" ? [`${qualifiedName(op.schema, op.table)}.${op.column.name}`] : []),
  );
  return ops.flatMap((op, at): Target[] => {
    switch (op.kind) {
      case "drop_table":
        return [{
          kind: "table",
          schema: op.schema,
          name: op.table,
          retype: false,
          what: `table ${op.schema}.${op.table}`,
          change: "which the migration drops",
          at,
        }];
      case "drop_column": {
        const again = readded.has(`${qualifiedName(op.schema, op.table)}.${op.column.name}`);
        const change = again ? "which the migration drops and adds again (to rebuild it)" : "which the migration drops";
        return [column(at, op.schema, op.table, op.column.name, false, change)];
      }
      case "alter_column": {
        const { type, collation } = op.changes;
        if (!type && !collation) return [];
        const change = type
          ? `whose type the migration changes (${type.from} → ${type.to})`
          : "whose collation the migration changes (by restating its type)";
        return [column(at, op.schema, op.table, op.column, true, change)];
      }
      case "drop_enum":
      case "recreate_enum": {
        const rebuild = op.kind === "recreate_enum";
        const enumType: Target = {
          kind: "type",
          schema: op.schema,
          name: op.name,
          retype: false,
          what: `enum type ${op.schema}.${op.name}`,
          change: rebuild
            ? "which the migration rebuilds (the old type is renamed, and dropped once the columns are converted)"
            : "which the migration drops",
          at,
        };
        const converted = rebuild
          ? op.columns.map((c) =>
            column(at, c.schema, c.table, c.column, true, `which the rebuild of enum ${op.schema}.${op.name} converts`)
          )
          : [];
        return [enumType, ...converted];
      }
      case "drop_object": {
        const o = op.object;
        if (o.kind === "view" || o.kind === "materialized_view") {
          const what = describeObject(o);
          return [{ kind: "relation", schema: o.schema, name: o.name, retype: false, what, change: "", at }];
        }
        if (o.kind === "trigger" || o.kind === "policy") {
          // Dependents name it by its table before the migration; the plan, after the renames.
          const what = describeObject({ ...o, table: table(o.schema, o.table) });
          return [{ kind: "object", schema: o.schema, name: o.name, retype: false, what, change: "", at }];
        }
        if (o.kind !== "function" && o.kind !== "procedure") return [];
        const change = op.recreated ? "which the migration drops and creates again" : "which the migration drops";
        return [{
          kind: "routine",
          schema: o.schema,
          name: o.name,
          column: o.identityArguments,
          retype: false,
          what: describeObject(o),
          change,
          at,
        }];
      }
      default:
        return [];
    }
  });
}

interface Row {
  i: number;
  kind: string;
  object: string;
  owner_schema: string | null;
  owner_name: string | null;
  owner_managed: boolean;
}

/** What PostgreSQL rebuilds or drops itself along with the target, or what kyrage's own plan changes. */
const KYRAGE_PLANS = new Set(["column", "default", "constraint", "foreign key", "index"]);
const REBUILT_ON_RETYPE = new Set(["constraint", "foreign key", "index", "default"]);

/**
 * The unmanaged objects that make the migration changing `targets` fail,
 * one per dependent and target. `schemas`: the schemas kyrage owns (their
 * tables' columns, defaults, constraints and indexes are the plan's business).
 */
export async function unmanagedDependents(
  db: Db,
  targets: readonly Target[],
  schemas: readonly string[],
): Promise<Dependent[]> {
  if (targets.length === 0) return [];
  const dropped = new Map<string, number>();
  for (const t of targets) {
    if (t.kind === "table" || t.kind === "relation") dropped.set(qualifiedName(t.schema, t.name), t.at);
  }
  const droppedObjects = new Set(targets.flatMap((t) => (t.kind === "object" ? [t.what] : [])));
  const rows = await sql<Row>`
    with w as (
      select * from unnest(${targets.map((t) => t.kind)}::text[], ${targets.map((t) => t.schema)}::text[],
                           ${targets.map((t) => t.name)}::text[], ${targets.map((t) => t.column ?? null)}::text[])
        with ordinality w(kind, schema, name, col, i)
    ), ref as (
      -- A table, or one of its columns; a dropped table's row type too.
      select w.i, 'pg_class'::regclass::oid as classid, c.oid as objid, a.attnum::int as subid
        from w join pg_namespace n on n.nspname = w.schema join pg_class c on c.relnamespace = n.oid and c.relname = w.name
        left join pg_attribute a on a.attrelid = c.oid and a.attname = w.col
        where w.kind in ('table', 'column') and (w.col is null or a.attnum is not null)
      union all
      select w.i, 'pg_type'::regclass::oid, c.reltype, null
        from w join pg_namespace n on n.nspname = w.schema join pg_class c on c.relnamespace = n.oid and c.relname = w.name
        where w.kind = 'table'
      union all
      -- A type and its array type.
      select w.i, 'pg_type'::regclass::oid, x.oid, null
        from w join pg_namespace n on n.nspname = w.schema join pg_type t on t.typnamespace = n.oid and t.typname = w.name
        cross join lateral (values (t.oid), (t.typarray)) x(oid)
        where w.kind = 'type' and x.oid <> 0
      union all
      select w.i, 'pg_proc'::regclass::oid, p.oid, null
        from w join pg_namespace n on n.nspname = w.schema join pg_proc p on p.pronamespace = n.oid and p.proname = w.name
        where w.kind = 'routine' and pg_get_function_identity_arguments(p.oid) = w.col
    ), dep as (
      select distinct r.i, d.classid, d.objid, d.objsubid from ref r
        join pg_depend d on d.refclassid = r.classid and d.refobjid = r.objid
          and (r.subid is null or d.refobjsubid = r.subid)
        where d.deptype = 'n'
    )
    select d.i::int as i, oc.relname::text as owner_name, own.nspname::text as owner_schema,
           -- A partition, or a column inherited from a parent, changes with its parent.
           exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where c.oid = oc.oid and ${scopeOf(schemas).inSchemas} and (${MANAGED_TABLE} or c.relispartition))
             or coalesce(att.attinhcount > 0, false) as owner_managed,
           case
             when rw.oid is not null then
               case when rw.rulename <> '_RETURN' then 'rule' when oc.relkind = 'm' then 'materialized view' else 'view' end
             when tg.oid is not null then 'trigger'
             when pol.oid is not null then 'policy'
             when pr.oid is not null then case pr.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end
             when prel.oid is not null then 'publication'
             -- A domain's check is the domain's.
             when cty.oid is not null then 'domain'
             when con.oid is not null then case con.contype when 'f' then 'foreign key' else 'constraint' end
             when ad.oid is not null then 'default'
             when ix.indexrelid is not null then 'index'
             when att.attnum is not null then
               case oc.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'c' then 'composite type'
                 else 'column' end
             when ty.oid is not null then case ty.typtype when 'd' then 'domain' else 'type' end
             when child.oid is not null then 'table'
             else 'object'
           end as kind,
           case
             when rw.rulename = '_RETURN' then own.nspname || '.' || oc.relname
             when rw.oid is not null then rw.rulename || ' on ' || own.nspname || '.' || oc.relname
             when tg.oid is not null then tg.tgname || ' on ' || own.nspname || '.' || oc.relname
             when pol.oid is not null then pol.polname || ' on ' || own.nspname || '.' || oc.relname
             when pr.oid is not null then
               pn.nspname || '.' || pr.proname || '(' || pg_get_function_identity_arguments(pr.oid) || ')'
             when prel.oid is not null then pub.pubname || ' (table ' || own.nspname || '.' || oc.relname || ')'
             when cty.oid is not null then ctn.nspname || '.' || cty.typname
             when con.oid is not null and oc.oid is not null then con.conname || ' on ' || own.nspname || '.' || oc.relname
             when ad.oid is not null then 'of column ' || own.nspname || '.' || oc.relname || '.' || adatt.attname
             when ix.indexrelid is not null then ixc.relname || ' on ' || own.nspname || '.' || oc.relname
             when att.attnum is not null and oc.relkind in ('v', 'm', 'c') then own.nspname || '.' || oc.relname
             when att.attnum is not null then own.nspname || '.' || oc.relname || '.' || att.attname
             when ty.oid is not null then tn.nspname || '.' || ty.typname
             when child.oid is not null then own.nspname || '.' || oc.relname
             else pg_describe_object(d.classid, d.objid, d.objsubid)
           end as object
      from dep d
      left join pg_rewrite rw on d.classid = 'pg_rewrite'::regclass and rw.oid = d.objid
      left join pg_trigger tg on d.classid = 'pg_trigger'::regclass and tg.oid = d.objid
      left join pg_policy pol on d.classid = 'pg_policy'::regclass and pol.oid = d.objid
      left join pg_proc pr on d.classid = 'pg_proc'::regclass and pr.oid = d.objid
      left join pg_namespace pn on pn.oid = pr.pronamespace
      left join pg_publication_rel prel on d.classid = 'pg_publication_rel'::regclass and prel.oid = d.objid
      left join pg_publication pub on pub.oid = prel.prpubid
      left join pg_constraint con on d.classid = 'pg_constraint'::regclass and con.oid = d.objid
      left join pg_type cty on cty.oid = con.contypid
      left join pg_namespace ctn on ctn.oid = cty.typnamespace
      left join pg_attrdef ad on d.classid = 'pg_attrdef'::regclass and ad.oid = d.objid
      left join pg_attribute adatt on adatt.attrelid = ad.adrelid and adatt.attnum = ad.adnum
      left join pg_index ix on d.classid = 'pg_class'::regclass and ix.indexrelid = d.objid
      left join pg_class ixc on ixc.oid = ix.indexrelid
      left join pg_attribute att on d.classid = 'pg_class'::regclass and d.objsubid > 0
        and att.attrelid = d.objid and att.attnum = d.objsubid
      left join pg_type ty on d.classid = 'pg_type'::regclass and ty.oid = d.objid
      left join pg_namespace tn on tn.oid = ty.typnamespace
      -- A table that inherits from the target (partitions depend on their parent automatically).
      left join pg_class child on d.classid = 'pg_class'::regclass and d.objsubid = 0 and child.oid = d.objid
        and child.relkind in ('r', 'p')
      -- The table the dependent belongs to (for a view: the view).
      left join pg_class oc on oc.oid = coalesce(rw.ev_class, tg.tgrelid, pol.polrelid, prel.prrelid,
        nullif(con.conrelid, 0), ad.adrelid, ix.indrelid, att.attrelid, child.oid)
      left join pg_namespace own on own.oid = oc.relnamespace
      order by 1, 5, 6`.execute(db);
  const seen = new Set<string>();
  return rows.rows.flatMap((row): Dependent[] => {
    const target = targets[row.i - 1];
    // A view with several columns of a type is one dependent.
    const key = `${row.i}\u0000${row.kind}\u0000${row.object}`;
    if (seen.has(key) || droppedObjects.has(`${row.kind} ${row.object}`)) return [];
    seen.add(key);
    const owner = row.owner_name !== null ? qualifiedName(row.owner_schema!, row.owner_name) : undefined;
    // Whatever belongs to a table dropped by then goes with it.
    const ownerDropped = owner !== undefined ? dropped.get(owner) : undefined;
    if (ownerDropped !== undefined && ownerDropped <= target.at) return [];
    // The plan changes a managed table's own defaults, constraints and indexes, but never around a routine.
    const kept = KYRAGE_PLANS.has(row.kind) && row.owner_managed;
    if (kept && target.kind !== "routine") return [];
    if (target.retype && REBUILT_ON_RETYPE.has(row.kind)) return [];
    return [{
      kind: row.kind,
      object: row.kind === "object" ? row.object : `${row.kind} ${row.object}`,
      on: target.what,
      change: target.change,
      ...(KYRAGE_PLANS.has(row.kind) && owner !== undefined
        ? kept ? { keptBy: owner } : { unmanagedOwner: owner }
        : {}),
    }];
  });
}

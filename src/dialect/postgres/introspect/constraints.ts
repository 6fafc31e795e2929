/** Primary keys, unique constraints, foreign keys and checks of the managed tables. */
import { sql } from "kysely";
import type { CheckConstraint, Deferrable, ForeignKey, ReferentialAction } from "../../../model/types.ts";
import { qualifiedName } from "../../../model/types.ts";
import { objectName } from "./object_name.ts";
import { type Db, MANAGED_TABLE, type MutableTable, type Scope } from "./scope.ts";

// Attributes of a constraint `con` the model does not hold: such a constraint is left out of the model, so that
// no plan drops or rebuilds it, and NOT MANAGED (src/pull/unsupported.ts) names it. Read from to_jsonb, as older
// servers lack the columns.
export const NOT_ENFORCED = sql`to_jsonb(con) ->> 'conenforced' = 'false'`;
/** `WITHOUT OVERLAPS` keys and `PERIOD` foreign keys. */
export const PERIOD = sql`to_jsonb(con) ->> 'conperiod' = 'true'`;
/** `ON DELETE SET NULL (columns)`. */
export const DELETE_SET_COLUMNS = sql`coalesce(to_jsonb(con) -> 'confdelsetcols', 'null') <> 'null'`;

/** The name PostgreSQL 18 gives a NOT NULL constraint of `c` on column `a` ("not_null<n>" when taken). */
const NOT_NULL_NAME = objectName(sql`coalesce(substring(con.conname from '_(not_null[0-9]*)$'), 'not_null')`);

/**
 * A NOT NULL constraint (PostgreSQL 18) of `c` on column `a` that the model does not hold: named otherwise
 * than PostgreSQL names it, NO INHERIT or NOT VALID. The model holds only the column's nullability.
 */
export const UNMANAGED_NOT_NULL = sql`con.contype = 'n' and (con.connoinherit or not con.convalidated
  or con.conname is distinct from (${NOT_NULL_NAME}))`;

interface ConstraintRow {
  schema: string;
  table: string;
  name: string;
  type: "p" | "u" | "f" | "c" | "n";
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  on_update: string;
  on_delete: string;
  deferrable: boolean;
  deferred: boolean;
  /** The check's expression (`pg_get_expr` of its tree, never cut out of its definition). */
  expression: string | null;
  match: string;
  validated: boolean;
  no_inherit: boolean;
  nulls_not_distinct: boolean;
  /** It has an attribute the model does not hold (see above). */
  unmanaged: boolean;
}

/** Query the constraints; the result adds them to the tables. */
export async function introspectConstraints(
  db: Db,
  scope: Scope,
): Promise<(tables: Map<string, MutableTable>) => void> {
  const rows = await sql<ConstraintRow>`
    select n.nspname::text as schema, c.relname::text as table, con.conname::text as name,
           con.contype::text as type,
           array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, ord)
                 join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
                 order by k.ord) as columns,
           rn.nspname::text as ref_schema, rc.relname::text as ref_table,
           array(select a.attname::text from unnest(con.confkey) with ordinality k(attnum, ord)
                 join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum
                 order by k.ord) as ref_columns,
           con.confupdtype::text as on_update, con.confdeltype::text as on_delete,
           con.condeferrable as deferrable, con.condeferred as deferred,
           case when con.contype = 'c' then pg_get_expr(con.conbin, con.conrelid, true) end as expression,
           con.confmatchtype::text as match, con.convalidated as validated, con.connoinherit as no_inherit,
           -- indnullsnotdistinct exists from PostgreSQL 15 on.
           coalesce((select (to_jsonb(x) ->> 'indnullsnotdistinct')::boolean
                     from pg_index x where x.indexrelid = con.conindid), false) as nulls_not_distinct,
           con.contype = 'n' or ${NOT_ENFORCED} or ${PERIOD} or ${DELETE_SET_COLUMNS} as unmanaged
    from pg_constraint con
    join pg_class c on c.oid = con.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attribute a on a.attrelid = c.oid and a.attnum = con.conkey[1]
    left join pg_class rc on rc.oid = con.confrelid
    left join pg_namespace rn on rn.oid = rc.relnamespace
    -- A partition's constraints inherited from its parent are the parent's.
    where (con.contype in ('p', 'u', 'f', 'c') or ${UNMANAGED_NOT_NULL}) and con.conislocal
      and (not c.relispartition or con.coninhcount = 0) and ${scope.inSchemas} and ${MANAGED_TABLE}`.execute(db);
  return (tables) => addConstraints(tables, rows.rows);
}

function addConstraints(tables: Map<string, MutableTable>, rows: readonly ConstraintRow[]): void {
  for (const row of rows) {
    const table = tables.get(qualifiedName(row.schema, row.table));
    if (!table) continue;
    if (row.unmanaged) {
      // Left as it is, with the NOT NULL it holds (its own, or a WITHOUT OVERLAPS primary key's).
      if (row.type === "n" || row.type === "p") {
        table.unmanagedNotNull = [...table.unmanagedNotNull ?? [], ...row.columns];
      }
      continue;
    }
    switch (row.type) {
      case "p":
        table.primaryKey = { name: row.name, columns: row.columns, ...deferrable(row) };
        break;
      case "u":
        table.uniques.push({
          name: row.name,
          columns: row.columns,
          ...(row.nulls_not_distinct ? { nullsNotDistinct: true } : {}),
          ...deferrable(row),
        });
        break;
      case "f":
        table.foreignKeys.push(toForeignKey(row));
        break;
      case "c":
        table.checks.push(toCheck(row));
        break;
    }
  }
}

const ACTIONS: Record<string, ReferentialAction> = {
  a: "no action",
  r: "restrict",
  c: "cascade",
  n: "set null",
  d: "set default",
};

function toForeignKey(row: ConstraintRow): ForeignKey {
  return {
    name: row.name,
    columns: row.columns,
    refSchema: row.ref_schema!,
    refTable: row.ref_table!,
    refColumns: row.ref_columns!,
    onDelete: ACTIONS[row.on_delete],
    onUpdate: ACTIONS[row.on_update],
    ...deferrable(row),
    ...(row.match === "f" ? { match: "full" } : {}),
    ...(row.validated ? {} : { notValid: true }),
  };
}

function toCheck(row: ConstraintRow): CheckConstraint {
  return {
    name: row.name,
    expression: row.expression!,
    ...(row.no_inherit ? { noInherit: true } : {}),
    ...(row.validated ? {} : { notValid: true }),
  };
}

function deferrable(row: ConstraintRow): { deferrable?: Deferrable } {
  return row.deferrable ? { deferrable: row.deferred ? "deferred" : "immediate" } : {};
}

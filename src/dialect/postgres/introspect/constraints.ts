/** Primary keys, unique constraints, foreign keys and checks of the managed tables. */
import { sql } from "kysely";
import type { CheckConstraint, ForeignKey, ReferentialAction } from "../../../model/types.ts";
import { qualifiedName } from "../../../model/types.ts";
import { type Db, MANAGED_TABLE, type MutableTable, type Scope } from "./scope.ts";

interface ConstraintRow {
  schema: string;
  table: string;
  name: string;
  type: "p" | "u" | "f" | "c";
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  on_update: string;
  on_delete: string;
  deferrable: boolean;
  deferred: boolean;
  definition: string;
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
           pg_get_constraintdef(con.oid, true) as definition
    from pg_constraint con
    join pg_class c on c.oid = con.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_class rc on rc.oid = con.confrelid
    left join pg_namespace rn on rn.oid = rc.relnamespace
    where con.contype in ('p', 'u', 'f', 'c') and con.conislocal
      and ${scope.inSchemas} and ${MANAGED_TABLE}`.execute(db);
  return (tables) => addConstraints(tables, rows.rows);
}

function addConstraints(tables: Map<string, MutableTable>, rows: readonly ConstraintRow[]): void {
  for (const row of rows) {
    const table = tables.get(qualifiedName(row.schema, row.table));
    if (!table) continue;
    switch (row.type) {
      case "p":
        table.primaryKey = { name: row.name, columns: row.columns };
        break;
      case "u":
        table.uniques.push({
          name: row.name,
          columns: row.columns,
          ...(row.definition.includes("NULLS NOT DISTINCT") ? { nullsNotDistinct: true } : {}),
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
    ...(row.deferrable ? { deferrable: row.deferred ? "deferred" : "immediate" } : {}),
  };
}

/** `CHECK (price > 0)` → `price > 0`. */
function toCheck(row: ConstraintRow): CheckConstraint {
  const inner = row.definition.replace(/^CHECK \(/, "").replace(/\)( NOT VALID)?$/, "");
  return { name: row.name, expression: inner };
}

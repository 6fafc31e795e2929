/** Managed tables and their columns, in declaration order. */
import { sql } from "kysely";
import { userTypeName } from "../../../model/from_config.ts";
import type { Column, Serial } from "../../../model/types.ts";
import { qualifiedName } from "../../../model/types.ts";
import { type Db, MANAGED_TABLE, type MutableTable, type Scope } from "./scope.ts";

interface TableRow {
  schema: string;
  table: string;
  comment: string | null;
}

interface ColumnRow {
  schema: string;
  table: string;
  name: string;
  type: string;
  enum_schema: string | null;
  enum_name: string | null;
  is_array: boolean;
  not_null: boolean;
  default: string | null;
  identity: string;
  generated: string;
  comment: string | null;
  owns_sequence: boolean;
}

/** The managed tables, keyed by qualified name, with their columns. */
export async function introspectTables(db: Db, scope: Scope): Promise<Map<string, MutableTable>> {
  const [tableRows, columnRows] = await Promise.all([
    sql<TableRow>`
      select n.nspname::text as schema, c.relname::text as table,
             obj_description(c.oid, 'pg_class') as comment
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where ${scope.inSchemas} and ${MANAGED_TABLE}`.execute(db),
    sql<ColumnRow>`
      select n.nspname::text as schema, c.relname::text as table, a.attname::text as name,
             format_type(a.atttypid, a.atttypmod) as type,
             case when et.typtype = 'e' then etn.nspname::text end as enum_schema,
             case when et.typtype = 'e' then et.typname::text end as enum_name,
             t.typcategory = 'A' as is_array,
             a.attnotnull as not_null,
             pg_get_expr(ad.adbin, ad.adrelid) as default,
             a.attidentity::text as identity, a.attgenerated::text as generated,
             col_description(c.oid, a.attnum) as comment,
             owned.refobjid is not null as owns_sequence
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_type t on t.oid = a.atttypid
      join pg_type et on et.oid = case when t.typcategory = 'A' then t.typelem else t.oid end
      join pg_namespace etn on etn.oid = et.typnamespace
      left join pg_attrdef ad on ad.adrelid = c.oid and ad.adnum = a.attnum
      left join (
        select d.refobjid, d.refobjsubid from pg_depend d
        join pg_class s on s.oid = d.objid and s.relkind = 'S'
        where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
          and d.deptype = 'a'
      ) owned on owned.refobjid = c.oid and owned.refobjsubid = a.attnum
      where ${scope.inSchemas} and ${MANAGED_TABLE} and a.attnum > 0 and not a.attisdropped
      order by n.nspname, c.relname, a.attnum`.execute(db),
  ]);
  const tables = new Map<string, MutableTable>();
  for (const row of tableRows.rows) {
    tables.set(qualifiedName(row.schema, row.table), {
      schema: row.schema,
      name: row.table,
      columns: [],
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
      ...(row.comment !== null ? { comment: row.comment } : {}),
    });
  }
  for (const row of columnRows.rows) {
    tables.get(qualifiedName(row.schema, row.table))?.columns.push(toColumn(row));
  }
  return tables;
}

const SERIAL_OF: Record<string, Serial> = { smallint: "smallserial", integer: "serial", bigint: "bigserial" };

function toColumn(row: ColumnRow): Column {
  const type = row.enum_name !== null
    ? userTypeName(row.enum_schema!, row.enum_name) + (row.is_array ? "[]" : "")
    : row.type;
  const serial = row.owns_sequence && row.default?.startsWith("nextval(") ? SERIAL_OF[type] : undefined;
  const isGenerated = row.generated === "s";
  const defaultExpression = serial || isGenerated || row.default === null ? undefined : row.default;
  const identity = row.identity === "a" ? "always" : row.identity === "d" ? "by default" : undefined;
  return {
    name: row.name,
    type,
    notNull: row.not_null,
    ...(defaultExpression !== undefined ? { default: defaultExpression } : {}),
    ...(serial ? { serial } : {}),
    ...(identity ? { identity } : {}),
    ...(isGenerated && row.default !== null ? { generated: row.default } : {}),
    ...(row.comment !== null ? { comment: row.comment } : {}),
  };
}

/**
 * Live database → actual schema model, expressions in the catalog's own
 * text (the differ compares normal forms). One set-based catalog query per
 * concern (tables, columns, constraints, indexes, enums), whatever the
 * number of tables; rows are grouped by qualified name in one pass.
 */
import { type Kysely, sql } from "kysely";
import { userTypeName } from "../../model/from_config.ts";
import { sortModel } from "../../model/sort.ts";
import type {
  CheckConstraint,
  Column,
  EnumType,
  ForeignKey,
  Index,
  IndexKey,
  PrimaryKey,
  ReferentialAction,
  SchemaModel,
  Serial,
  Table,
  UniqueConstraint,
} from "../../model/types.ts";
import { qualifiedName } from "../../model/types.ts";

export interface IntrospectOptions {
  /** The schemas to cover; nothing outside them is reported. */
  readonly schemas: readonly string[];
  /** Tables to leave out, as qualified names (kyrage's own history table). */
  readonly excludeTables?: readonly string[];
}

// A managed table: ordinary or partitioned, not a partition, not owned by an
// extension (such as PostGIS's spatial_ref_sys).
const MANAGED_TABLE = sql`
  c.relkind in ('r', 'p') and not c.relispartition
  and not exists (
    select 1 from pg_depend d
    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`;

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

interface IndexRow {
  schema: string;
  table: string;
  name: string;
  unique: boolean;
  method: string;
  where: string | null;
  keys: { column: string | null; expression: string; option: number; opclass: string | null }[];
  include: string[];
}

interface EnumRow {
  schema: string;
  name: string;
  values: string[];
}

// deno-lint-ignore no-explicit-any
export async function introspect(db: Kysely<any>, options: IntrospectOptions): Promise<SchemaModel> {
  const schemas = [...options.schemas];
  const inSchemas = sql`n.nspname = any(${sql.val(schemas)}::text[])`;
  const excluded = new Set(options.excludeTables ?? []);

  const [schemaRows, tableRows, columnRows, constraintRows, indexRows, enumRows] = await Promise.all([
    sql<{ name: string }>`
      select n.nspname::text as name from pg_namespace n where ${inSchemas}`.execute(db),
    sql<TableRow>`
      select n.nspname::text as schema, c.relname::text as table,
             obj_description(c.oid, 'pg_class') as comment
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where ${inSchemas} and ${MANAGED_TABLE}`.execute(db),
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
      where ${inSchemas} and ${MANAGED_TABLE} and a.attnum > 0 and not a.attisdropped
      order by n.nspname, c.relname, a.attnum`.execute(db),
    sql<ConstraintRow>`
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
        and ${inSchemas} and ${MANAGED_TABLE}`.execute(db),
    sql<IndexRow>`
      select n.nspname::text as schema, c.relname::text as table, ic.relname::text as name,
             i.indisunique as unique, am.amname::text as method,
             pg_get_expr(i.indpred, i.indrelid, true) as where,
             coalesce((
               select json_agg(json_build_object(
                 'column', a.attname,
                 'expression', pg_get_indexdef(i.indexrelid, k.ord::int, true),
                 'option', k.option,
                 'opclass', case when opc.opcdefault then null else opc.opcname end
               ) order by k.ord)
               from unnest(i.indkey::int2[], i.indoption::int2[], i.indclass::oid[])
                    with ordinality k(attnum, option, opclass, ord)
               left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum and k.attnum > 0
               left join pg_opclass opc on opc.oid = k.opclass
               where k.ord <= i.indnkeyatts
             ), '[]'::json) as keys,
             array(select a.attname::text
                   from unnest(i.indkey::int2[]) with ordinality k(attnum, ord)
                   join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                   where k.ord > i.indnkeyatts order by k.ord) as include
      from pg_index i
      join pg_class ic on ic.oid = i.indexrelid
      join pg_class c on c.oid = i.indrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_am am on am.oid = ic.relam
      where ${inSchemas} and ${MANAGED_TABLE}
        and not exists (select 1 from pg_constraint pc
                        where pc.conindid = i.indexrelid and pc.conrelid = i.indrelid
                          and pc.contype in ('p', 'u', 'x'))`.execute(db),
    sql<EnumRow>`
      select n.nspname::text as schema, t.typname::text as name,
             array_agg(e.enumlabel::text order by e.enumsortorder) as values
      from pg_type t
      join pg_namespace n on n.oid = t.typnamespace
      join pg_enum e on e.enumtypid = t.oid
      where ${inSchemas}
      group by n.nspname, t.typname`.execute(db),
  ]);

  const tables = new Map<string, MutableTable>();
  for (const row of tableRows.rows) {
    const key = qualifiedName(row.schema, row.table);
    if (excluded.has(key)) continue;
    tables.set(key, {
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
  for (const row of constraintRows.rows) {
    const table = tables.get(qualifiedName(row.schema, row.table));
    if (!table) continue;
    switch (row.type) {
      case "p":
        table.primaryKey = { name: row.name, columns: row.columns } satisfies PrimaryKey;
        break;
      case "u":
        table.uniques.push(
          {
            name: row.name,
            columns: row.columns,
            ...(row.definition.includes("NULLS NOT DISTINCT") ? { nullsNotDistinct: true } : {}),
          } satisfies UniqueConstraint,
        );
        break;
      case "f":
        table.foreignKeys.push(toForeignKey(row));
        break;
      case "c":
        table.checks.push(toCheck(row));
        break;
    }
  }
  for (const row of indexRows.rows) {
    tables.get(qualifiedName(row.schema, row.table))?.indexes.push(toIndex(row));
  }
  const enums: EnumType[] = enumRows.rows.map((row) => ({ schema: row.schema, name: row.name, values: row.values }));
  return sortModel({ schemas: schemaRows.rows.map((r) => r.name), enums, tables: [...tables.values()] });
}

type MutableTable = {
  -readonly [K in keyof Table]: Table[K] extends readonly (infer T)[] ? T[] : Table[K];
};

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

// pg_index.indoption bits (INDOPTION_DESC, INDOPTION_NULLS_FIRST).
const DESC = 1;
const NULLS_FIRST = 2;

function toIndex(row: IndexRow): Index {
  const keys: IndexKey[] = row.keys.map((k) => {
    const descending = (k.option & DESC) !== 0;
    const nullsFirst = (k.option & NULLS_FIRST) !== 0;
    // NULLS LAST is the default ascending, NULLS FIRST descending.
    const nulls = nullsFirst !== descending ? (nullsFirst ? "first" : "last") : undefined;
    return {
      column: k.column ?? k.expression,
      ...(k.column === null ? { expression: true } : {}),
      ...(descending ? { descending } : {}),
      ...(nulls ? { nulls } : {}),
      ...(k.opclass ? { opclass: k.opclass } : {}),
    };
  });
  return {
    name: row.name,
    keys,
    unique: row.unique,
    method: row.method,
    include: row.include,
    ...(row.where !== null ? { where: row.where } : {}),
  };
}

/**
 * The type names PostgreSQL does not know, in one query. `to_regtype`
 * raises (rather than returning null) on a syntax error before PostgreSQL
 * 16, so on error each name is checked alone to find the bad ones.
 */
// deno-lint-ignore no-explicit-any
export async function unknownTypes(db: Kysely<any>, types: readonly string[]): Promise<string[]> {
  if (types.length === 0) return [];
  const check = async (names: readonly string[]) =>
    (await sql<{ type: string }>`
      select t as type from unnest(${sql.val(names)}::text[]) t where to_regtype(t) is null`.execute(db))
      .rows.map((r) => r.type);
  try {
    return await check(types);
  } catch {
    const unknown: string[] = [];
    for (const type of types) {
      if (await check([type]).then((r) => r.length > 0, () => true)) unknown.push(type);
    }
    return unknown;
  }
}

/** Managed tables and their columns, in declaration order. */
import { sql } from "kysely";
import { userTypeName } from "../../../model/from_config.ts";
import { normalSequenceOptions } from "../../../model/sequences.ts";
import { sequenceName } from "../../../model/names.ts";
import type {
  Column,
  ColumnSequence,
  ColumnStorage,
  ReplicaIdentity,
  Serial,
  StorageParameters,
  Table,
} from "../../../model/types.ts";
import { qualifiedName } from "../../../model/types.ts";
import { allQueries, type Db, MANAGED_TABLE, type MutableTable, type Scope } from "./scope.ts";
import { serialSequence } from "./sequences.ts";
import { elementType, isArrayType, isUserType } from "./type_spelling.ts";

interface TableRow {
  schema: string;
  table: string;
  comment: string | null;
  options: string[] | null;
  toast_options: string[] | null;
  unlogged: boolean;
  replident: string;
  replica_index: string | null;
  rls: boolean;
  force_rls: boolean;
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
  sequence_schema: string | null;
  sequence_name: string | null;
  identity_options:
    | { start: string; increment: string; min: string; max: string; cache: string; cycle: boolean }
    | null;
  storage: string | null;
  compression: string;
  collation: string | null;
}

/** The managed tables, keyed by qualified name, with their columns. */
export async function introspectTables(db: Db, scope: Scope): Promise<Map<string, MutableTable>> {
  const [tableRows, columnRows] = await allQueries([
    sql<TableRow>`
      select n.nspname::text as schema, c.relname::text as table,
             obj_description(c.oid, 'pg_class') as comment,
             c.reloptions::text[] as options, tc.reloptions::text[] as toast_options,
             c.relpersistence = 'u' as unlogged, c.relreplident::text as replident,
             (select ri.relname::text from pg_index x join pg_class ri on ri.oid = x.indexrelid
              where x.indrelid = c.oid and x.indisreplident) as replica_index,
             c.relrowsecurity as rls, c.relforcerowsecurity as force_rls
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join pg_class tc on tc.oid = c.reltoastrelid
      where ${scope.inSchemas} and ${MANAGED_TABLE}`.execute(db),
    sql<ColumnRow>`
      select n.nspname::text as schema, c.relname::text as table, a.attname::text as name,
             format_type(a.atttypid, a.atttypmod) as type,
             case when ${isUserType("et", "etn")} then etn.nspname::text end as enum_schema,
             case when ${isUserType("et", "etn")} then et.typname::text end as enum_name,
             ${isArrayType("t")} as is_array,
             a.attnotnull as not_null,
             pg_get_expr(ad.adbin, ad.adrelid) as default,
             a.attidentity::text as identity, a.attgenerated::text as generated,
             col_description(c.oid, a.attnum) as comment,
             seq.deptype = 'a' and ${
      sql.raw(serialSequence("seq", "a.atttypid", "c.relname", "a.attname"))
    } as owns_sequence,
             seq.seq_schema as sequence_schema, seq.seq_name as sequence_name,
             case when seq.deptype = 'i' then json_build_object(
               'start', seq.seqstart::text, 'increment', seq.seqincrement::text, 'min', seq.seqmin::text,
               'max', seq.seqmax::text, 'cache', seq.seqcache::text, 'cycle', seq.seqcycle) end as identity_options,
             case when a.attstorage <> t.typstorage then a.attstorage::text end as storage,
             a.attcompression::text as compression,
             case when a.attcollation <> t.typcollation and a.attcollation <> 0 then (
               select case when cn.nspname = 'pg_catalog' then quote_ident(co.collname)
                           else quote_ident(cn.nspname) || '.' || quote_ident(co.collname) end
               from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
               where co.oid = a.attcollation) end as collation
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_type t on t.oid = a.atttypid
      join pg_type et on et.oid = ${elementType("t")}
      join pg_namespace etn on etn.oid = et.typnamespace
      left join pg_attrdef ad on ad.adrelid = c.oid and ad.adnum = a.attnum
      left join (
        -- Sequences a column owns: 'a' for serial, 'i' for identity.
        select d.refobjid, d.refobjsubid, d.deptype, s.*,
               sn.nspname::text as seq_schema, sc.relname::text as seq_name from pg_depend d
        join pg_sequence s on s.seqrelid = d.objid
        join pg_class sc on sc.oid = d.objid join pg_namespace sn on sn.oid = sc.relnamespace
        where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
          and d.deptype in ('a', 'i')
      ) seq on seq.refobjid = c.oid and seq.refobjsubid = a.attnum
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
      ...tableOptions(row),
    });
  }
  for (const row of columnRows.rows) {
    const table = tables.get(qualifiedName(row.schema, row.table));
    if (!table) continue;
    const column = toColumn(row);
    table.columns.push(column);
    const sequence = ownSequence(row, column);
    if (sequence) table.columnSequences = [...table.columnSequences ?? [], sequence];
  }
  return tables;
}

function tableOptions(
  row: TableRow,
): Pick<Table, "with" | "unlogged" | "replicaIdentity" | "rowLevelSecurity" | "forceRowLevelSecurity"> {
  const parameters = storageParameters(row.options, row.toast_options);
  const replicaIdentity: ReplicaIdentity | undefined = row.replident === "f"
    ? "full"
    : row.replident === "n"
    ? "nothing"
    : row.replident === "i" && row.replica_index !== null
    ? { index: row.replica_index }
    : undefined;
  return {
    ...(parameters ? { with: parameters } : {}),
    ...(row.unlogged ? { unlogged: true } : {}),
    ...(replicaIdentity ? { replicaIdentity } : {}),
    ...(row.rls ? { rowLevelSecurity: true } : {}),
    // FORCE alone binds no one (the DSL has no spelling for it): NOT MANAGED reports it.
    ...(row.rls && row.force_rls ? { forceRowLevelSecurity: true } : {}),
  };
}

/** `{fillfactor=70}` and the TOAST table's `{autovacuum_enabled=off}` → `{ fillfactor: "70", "toast.autovacuum_enabled": "off" }`. */
export function storageParameters(
  options: readonly string[] | null,
  toastOptions: readonly string[] | null = null,
): StorageParameters | undefined {
  const entries = [
    ...(options ?? []).map((o) => o.split("=")),
    ...(toastOptions ?? []).map((o) => ["toast." + o.split("=")[0], ...o.split("=").slice(1)]),
  ].map(([name, ...value]) => [name, value.join("=")] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The column's serial or identity sequence, when it is not named as PostgreSQL names it for this table and column. */
function ownSequence(row: ColumnRow, column: Column): ColumnSequence | undefined {
  if (!(column.serial || column.identity) || row.sequence_name === null || row.sequence_schema === null) return;
  if (row.sequence_schema === row.schema && row.sequence_name === sequenceName(row.table, row.name)) return;
  return { column: row.name, schema: row.sequence_schema, name: row.sequence_name };
}

const STORAGE: Record<string, ColumnStorage> = { p: "plain", e: "external", x: "extended", m: "main" };

const SERIAL_OF: Record<string, Serial> = { smallint: "smallserial", integer: "serial", bigint: "bigserial" };

function toColumn(row: ColumnRow): Column {
  const type = row.enum_name !== null
    ? userTypeName(row.enum_schema!, row.enum_name) + (row.is_array ? "[]" : "")
    : row.type;
  const serial = row.owns_sequence && row.default?.startsWith("nextval(") ? SERIAL_OF[type] : undefined;
  const isGenerated = row.generated === "s";
  const defaultExpression = serial || isGenerated || row.default === null ? undefined : row.default;
  const identity = row.identity === "a" ? "always" : row.identity === "d" ? "by default" : undefined;
  const options = row.identity_options;
  const identityOptions = identity && options
    ? normalSequenceOptions(type, {
      start: options.start,
      increment: options.increment,
      minValue: options.min,
      maxValue: options.max,
      cache: options.cache,
      cycle: options.cycle,
    })
    : {};
  return {
    name: row.name,
    type,
    notNull: row.not_null,
    ...(defaultExpression !== undefined ? { default: defaultExpression } : {}),
    ...(serial ? { serial } : {}),
    ...(identity ? { identity } : {}),
    ...(Object.keys(identityOptions).length > 0 ? { identityOptions } : {}),
    ...(isGenerated && row.default !== null ? { generated: row.default } : {}),
    ...(row.comment !== null ? { comment: row.comment } : {}),
    ...(row.storage !== null ? { storage: STORAGE[row.storage] } : {}),
    ...(row.compression === "p" ? { compression: "pglz" } : row.compression === "l" ? { compression: "lz4" } : {}),
    ...(row.collation !== null ? { collation: row.collation } : {}),
  };
}

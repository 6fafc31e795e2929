/**
 * The columns of the tables pending migrations touch, as the database holds
 * them: the destructive gate judges stored files against these, since a file
 * generated on another branch may say a column was what it no longer is.
 */
import { type Kysely, sql } from "kysely";
import { type SpelledType, spellType, userTypeJoin } from "../dialect/postgres/introspect/type_spelling.ts";
import { type LiveColumns, tableKey } from "../diff/destructive.ts";
import type { Operation } from "../diff/operations.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

interface ColumnRow extends SpelledType {
  schema: string;
  table: string;
  name: string;
  generated: boolean;
}

export async function readLiveColumns(db: Db, operations: readonly Operation[]): Promise<LiveColumns> {
  const tables = new Map<string, { schema: string; table: string }>();
  for (const op of operations) {
    // A renamed table is found under its old name.
    const table = op.kind === "rename_table" ? op.from : "table" in op ? op.table : undefined;
    if (table !== undefined && "schema" in op) tables.set(tableKey(op.schema, table), { schema: op.schema, table });
  }
  const live: LiveColumns = new Map();
  if (tables.size === 0) return live;
  const wanted = [...tables.values()];
  const rows = await sql<ColumnRow>`
    select n.nspname::text as schema, c.relname::text as table, a.attname::text as name,
           format_type(a.atttypid, a.atttypmod) as type, u.user_schema, u.user_name, u.is_array,
           a.attgenerated <> '' as generated
    from unnest(${wanted.map((t) => t.schema)}::text[], ${wanted.map((t) => t.table)}::text[]) w(schema, name)
    join pg_namespace n on n.nspname = w.schema
    join pg_class c on c.relnamespace = n.oid and c.relname = w.name and c.relkind in ('r', 'p')
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    ${userTypeJoin("u", "a.atttypid")}`.execute(db);
  for (const row of rows.rows) {
    const key = tableKey(row.schema, row.table);
    const columns = live.get(key) ?? new Map();
    live.set(key, columns);
    columns.set(row.name, { type: spellType(row), generated: row.generated });
  }
  return live;
}

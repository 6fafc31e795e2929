/**
 * The planning pipeline every command shares: introspect the database,
 * diff it against the desired model, and render operations as SQL.
 */
import { sql } from "kysely";
import { compileOperation } from "./dialect/postgres/compile.ts";
import { introspect, unknownTypes } from "./dialect/postgres/introspect.ts";
import { allQueries } from "./dialect/postgres/introspect/scope.ts";
import { normalizeDesired } from "./dialect/postgres/normalize_db.ts";
import type { Database } from "./dialect/database.ts";
import { diffSchemas } from "./diff/diff.ts";
import type { Operation } from "./diff/operations.ts";
import { HISTORY_QUALIFIED } from "./migrations/history.ts";
import type { SchemaModel, Table } from "./model/types.ts";
import { userTypeName } from "./model/from_config.ts";
import { KyrageError } from "./errors.ts";
import { openDevDatabase } from "./migrations/dev.ts";
import type { StoredMigration } from "./migrations/store.ts";

/** The actual model of the schemas `desired` manages. */
export function introspectFor(database: Database, desired: SchemaModel): Promise<SchemaModel> {
  return introspect(database.db, { schemas: desired.schemas, excludeTables: [HISTORY_QUALIFIED] });
}

/** The operations that take the database to the desired model. */
export interface PlanOptions {
  /** Plan online DDL for existing tables (see diff/online.ts); the config's `online`, true by default. */
  readonly online?: boolean;
  /**
   * Desired tables already normalized on this same database, by their JSON
   * (see normalizeCached); watch keeps one per dev database it plans against.
   */
  readonly normalized?: NormalCache;
}

/** A desired table's JSON → its normal form on one database; only the last plan's tables are kept. */
export type NormalCache = Map<string, Table>;

export async function planChanges(
  database: Database,
  desired: SchemaModel,
  options: PlanOptions = {},
): Promise<Operation[]> {
  // Independent round trips, at once on a server's connections. Every one
  // settles before any error is thrown (a query left running makes close
  // hang), and an unknown type is reported first: it explains the others.
  const [, normal, actual] = await allQueries(
    [
      checkTypes(database, desired),
      options.normalized
        ? normalizeCached(database, desired, options.normalized)
        : normalizeDesired(database.db, desired),
      introspectFor(database, desired),
    ] as const,
  );
  return diffSchemas(actual, normal, options);
}

/**
 * Normalize only the tables not normalized before on this database: the
 * scratch round trips cover the tables a save changed, not all of them.
 * Each table is normalized on its own (its scratch copy refers to nothing
 * else), so a cached normal form stays right while the table, the config's
 * schemas and enums, and the database stay the same.
 */
async function normalizeCached(database: Database, desired: SchemaModel, cache: NormalCache): Promise<SchemaModel> {
  const context = JSON.stringify([desired.schemas, desired.enums]);
  const keys = desired.tables.map((t) => JSON.stringify([context, t]));
  const fresh = desired.tables.filter((_, i) => !cache.has(keys[i]));
  const normal = fresh.length === 0 ? [] : (await normalizeDesired(database.db, { ...desired, tables: fresh })).tables;
  const found = new Map(fresh.map((t, i) => [JSON.stringify([context, t]), normal[i]]));
  const tables = keys.map((key) => found.get(key) ?? cache.get(key)!);
  cache.clear();
  keys.forEach((key, i) => cache.set(key, tables[i]));
  return { ...desired, tables };
}

/**
 * Refuse types PostgreSQL does not know before anything is written, so a
 * migration never fails halfway on a typo. Enums the config declares do not
 * exist yet and are skipped.
 */
async function checkTypes(database: Database, desired: SchemaModel): Promise<void> {
  const declared = new Set(desired.enums.map((e) => userTypeName(e.schema, e.name)));
  const columnsByType = new Map<string, string[]>();
  for (const table of desired.tables) {
    for (const column of table.columns) {
      if (declared.has(column.type.replace(/\[\]$/, ""))) continue;
      const at = `${table.schema}.${table.name}.${column.name}`;
      const columns = columnsByType.get(column.type);
      if (columns) columns.push(at);
      else columnsByType.set(column.type, [at]);
    }
  }
  const unknown = await unknownTypes(database.db, [...columnsByType.keys()]);
  if (unknown.length > 0) {
    const list = unknown.map((t) => `"${t}" (column ${columnsByType.get(t)!.join(", ")})`).join("; ");
    throw new KyrageError(
      `PostgreSQL on ${database.label} does not know the type ${list}. Fix the type in the config ` +
        "(or install the extension that provides it); nothing was planned.",
    );
  }
}

/** Each operation's statements, terminated, in order. */
export function renderSql(ops: readonly Operation[]): string[] {
  return ops.flatMap(compileOperation).map((s) => `${s};`);
}

/**
 * Drift: how the live schema differs from what its applied history implies.
 * Replays the applied files on the dev database and diffs the target
 * against that; the operations would restore the expected state.
 */
export async function detectDrift(
  target: Database,
  desired: SchemaModel,
  applied: readonly StoredMigration[],
): Promise<Operation[]> {
  const dev = await openDevDatabase(applied);
  try {
    const expected = await introspectFor(dev, desired);
    return diffSchemas(await introspectFor(target, desired), expected);
  } finally {
    await dev.close();
  }
}

export interface TableSize {
  /** Estimated rows (`pg_class.reltuples`); undefined when never analyzed. */
  readonly rows?: number;
  /** `pg_total_relation_size`: heap, indexes and TOAST. */
  readonly bytes: number;
}

/** Size estimates of the existing tables the operations touch, keyed `schema.table`, in one query. */
export async function tableSizes(database: Database, ops: readonly Operation[]): Promise<Map<string, TableSize>> {
  const keys = new Map(ops.flatMap((op) => ("table" in op ? [[`${op.schema}.${op.table}`, op] as const] : [])));
  if (keys.size === 0) return new Map();
  const schemas = [...keys.values()].map((op) => op.schema);
  const names = [...keys.values()].map((op) => (op as { table: string }).table);
  const rows = await sql<{ name: string; rows: number; bytes: string }>`
    select n.nspname || '.' || c.relname as name, c.reltuples::float8 as rows,
           pg_total_relation_size(c.oid)::text as bytes
    from unnest(${schemas}::text[], ${names}::text[]) t(schema, name)
    join pg_namespace n on n.nspname = t.schema
    join pg_class c on c.relnamespace = n.oid and c.relname = t.name
    where c.relkind in ('r', 'p')`.execute(database.db);
  return new Map(rows.rows.map((r) => [r.name, { ...(r.rows >= 0 ? { rows: r.rows } : {}), bytes: Number(r.bytes) }]));
}

/**
 * The planning pipeline every command shares: introspect the database,
 * diff it against the desired model, and render operations as SQL.
 */
import { sql } from "kysely";
import { compileOperation } from "./dialect/postgres/compile.ts";
import { introspect, unknownTypes } from "./dialect/postgres/introspect.ts";
import { allQueries } from "./dialect/postgres/introspect/scope.ts";
import { normalizeDesired } from "./dialect/postgres/normalize_db.ts";
import { followColumnRenames } from "./dialect/postgres/follow_renames.ts";
import { normalizeObjects } from "./dialect/postgres/normalize_objects.ts";
import { normalizeOn } from "./dialect/postgres/normalize_expected.ts";
import { hasUserTypes } from "./dialect/postgres/normalize_types.ts";
import { withDeclaredExtensions } from "./dialect/postgres/declared_objects.ts";
import { extensionNames } from "./model/objects/extension.ts";
import type { Database } from "./dialect/database.ts";
import { diffSchemas } from "./diff/diff.ts";
import { droppedRoutines } from "./diff/routine_callers.ts";
import { routineCallers } from "./dialect/postgres/introspect/routine_callers.ts";
import { partitioningConflicts } from "./diff/partitions.ts";
import { domainRebuildConflicts } from "./diff/objects/domain.ts";
import { withUnpinnedVersions } from "./diff/objects/extension.ts";
import type { Operation } from "./diff/operations.ts";
import { HISTORY_TABLES } from "./migrations/history.ts";
import type { SchemaModel } from "./model/schema_model.ts";
import type { Table } from "./model/types.ts";
import { userTypeName } from "./model/from_config.ts";
import { definedTypes } from "./model/type_names.ts";
import { KyrageError } from "./errors.ts";
import { openDevDatabase } from "./migrations/dev.ts";
import type { StoredMigration } from "./migrations/store.ts";
import { unsupportedObjects } from "./pull/unsupported.ts";
import type { DevServer } from "./config/load.ts";

/** The actual model of the schemas `desired` manages. */
export function introspectFor(database: Database, desired: SchemaModel): Promise<SchemaModel> {
  const extensions = extensionNames(desired.objects);
  return introspect(database.db, { schemas: desired.schemas, excludeTables: HISTORY_TABLES, extensions });
}

/**
 * What the managed schemas hold that kyrage does not compare (views,
 * functions, tablespaces, ...), so that "No changes" is never read as
 * "everything is in sync".
 */
export function unmanagedObjects(database: Database, desired: SchemaModel): Promise<string[]> {
  return unsupportedObjects(database.db, desired.schemas);
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
  /**
   * The actual model of this same database, when only kyrage's plans read
   * it (watch's replayed dev database, never a server others can change).
   */
  readonly introspected?: IntrospectCache;
}

/** The actual model by the schemas and extensions it covers; only the last one is kept. */
export type IntrospectCache = Map<string, SchemaModel>;

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
  const [, tables, live] = await allQueries(
    [
      checkTypes(database, desired),
      options.normalized && cacheable(desired)
        ? normalizeCached(database, desired, options.normalized)
        : normalizeDesired(database.db, desired),
      options.introspected && !database.persistent
        ? introspectCached(database, desired, options.introspected)
        : introspectFor(database, desired),
    ] as const,
  );
  // What reads a renamed column is compared as PostgreSQL will print it after the rename.
  const [normal, actual] = await allQueries(
    [normalizeObjects(database.db, tables), followColumnRenames(database.db, live, desired)] as const,
  );
  const conflicts = partitioningConflicts(actual, normal);
  if (conflicts.length > 0) {
    // Rebuilding the table instead would lose its rows: say what to do.
    throw new KyrageError(
      `Cannot plan the change on ${database.label}: ${conflicts.join("; ")}. Nothing was planned or written.`,
    );
  }
  const planned = diffSchemas(actual, normal, options);
  // Rare: only a plan that drops routines asks which defaults, checks and indexes call them.
  const dropped = droppedRoutines(planned);
  const callers = dropped.length > 0 ? await routineCallers(database.db, dropped) : [];
  const ops = callers.length > 0 ? diffSchemas(actual, normal, { ...options, callers }) : planned;
  const domains = domainRebuildConflicts(actual, ops);
  if (domains.length > 0) {
    throw new KyrageError(`Cannot plan the change on ${database.label}: ${domains.join("; ")}. Nothing was planned.`);
  }
  return ops;
}

async function introspectCached(database: Database, desired: SchemaModel, cache: IntrospectCache) {
  const key = JSON.stringify([desired.schemas, extensionNames(desired.objects)]);
  const known = cache.get(key);
  if (known) return known;
  const actual = await introspectFor(database, desired);
  cache.clear();
  cache.set(key, actual);
  return actual;
}

/**
 * Tables normalize one by one unless the config declares composite or range
 * types (normalized with the tables) or partitions (normalized with their
 * parents): then every plan normalizes everything.
 */
function cacheable(desired: SchemaModel): boolean {
  return !hasUserTypes(desired) && !desired.tables.some((t) => t.partitionBy || t.partitionOf);
}

/**
 * Normalize only the tables not normalized before on this database: the
 * scratch round trips cover the tables a save changed, not all of them.
 * Each table is normalized on its own (its scratch copy refers to nothing
 * else), so a cached normal form stays right while the table, the rest of
 * the config's model and the database stay the same.
 */
async function normalizeCached(database: Database, desired: SchemaModel, cache: NormalCache): Promise<SchemaModel> {
  const context = JSON.stringify({ ...desired, tables: [] });
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
 * migration never fails halfway on a typo. Types the config declares do not
 * exist yet and are skipped; types used inside declared ones are checked too.
 */
async function checkTypes(database: Database, desired: SchemaModel): Promise<void> {
  const declared = new Set([
    ...desired.enums.map((e) => userTypeName(e.schema, e.name)),
    ...[...desired.composites, ...desired.ranges].flatMap(definedTypes),
    ...desired.objects.flatMap((o) => (o.kind === "domain" ? [userTypeName(o.schema, o.name)] : [])),
  ]);
  // Where each type is used: columns (`public.t.c`), and other places described in full.
  const placesByType = new Map<string, { columns: string[]; others: string[] }>();
  const use = (type: string, place: string, isColumn = false) => {
    if (declared.has(type.replace(/\[\]$/, ""))) return;
    const places = placesByType.get(type) ?? { columns: [], others: [] };
    placesByType.set(type, places);
    (isColumn ? places.columns : places.others).push(place);
  };
  for (const table of desired.tables) {
    for (const column of table.columns) use(column.type, `${table.schema}.${table.name}.${column.name}`, true);
  }
  for (const t of desired.composites) {
    for (const a of t.attributes) use(a.type, `attribute ${a.name} of composite type ${t.schema}.${t.name}`);
  }
  for (const t of desired.ranges) use(t.definition.subtype, `subtype of range type ${t.schema}.${t.name}`);
  for (const d of desired.objects) if (d.kind === "domain") use(d.type, `base type of domain ${d.schema}.${d.name}`);
  // Types of the extensions the config declares exist once the migration has created them.
  const unknown = await withDeclaredExtensions(database, desired, (db) => unknownTypes(db, [...placesByType.keys()]));
  if (unknown.length > 0) {
    const where = ({ columns, others }: { columns: string[]; others: string[] }) =>
      [...(columns.length > 0 ? [`column ${columns.join(", ")}`] : []), ...others].join(", ");
    const list = unknown.map((t) => `"${t}" (${where(placesByType.get(t)!)})`).join("; ");
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
 * against that, read back as the target prints it (the dev database may be
 * another PostgreSQL version); the operations would restore the expected state.
 */
export async function detectDrift(
  target: Database,
  desired: SchemaModel,
  applied: readonly StoredMigration[],
  devServer?: DevServer,
): Promise<Operation[]> {
  const dev = await openDevDatabase(applied, devServer, extensionNames(desired.objects));
  try {
    const expected = withUnpinnedVersions(
      await normalizeOn(target, dev.db, await introspectFor(dev, desired)),
      applied.flatMap((m) => m.file.operations),
    );
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

/**
 * Size estimates of the existing tables the operations touch, keyed `schema.table`, in one query. A table another
 * session locks (or waits to lock) is left out: measuring it would wait behind that lock, for a mere annotation.
 */
export async function tableSizes(database: Database, ops: readonly Operation[]): Promise<Map<string, TableSize>> {
  const tables = new Map<string, readonly [string, string]>();
  for (const op of ops) {
    if ("table" in op) tables.set(`${op.schema}.${op.table}`, [op.schema, op.table]);
    // Its lock is labeled too (hazards.ts).
    for (const c of op.kind === "alter_object" ? op.columns ?? [] : []) {
      tables.set(`${c.schema}.${c.table}`, [c.schema, c.table]);
    }
    if (op.kind === "add_foreign_key") {
      const { refSchema, refTable } = op.foreignKey;
      tables.set(`${refSchema}.${refTable}`, [refSchema, refTable]);
    }
  }
  if (tables.size === 0) return new Map();
  const [schemas, names] = [[...tables.values()].map(([s]) => s), [...tables.values()].map(([, n]) => n)];
  // A partitioned table holds nothing itself: its partitions (the whole tree) hold its rows.
  // pg_total_relation_size locks each table, its indexes and its TOAST table.
  const rows = await sql<{ name: string; rows: number; bytes: string | null }>`
    select n.nspname || '.' || c.relname as name, c.reltuples::float8 as rows,
           case when exists (
             select from pg_locks l
             where l.mode = 'AccessExclusiveLock' and l.pid <> pg_backend_pid()
               and (l.relation = any(m.oids) or l.relation = any(m.toasts)
                    or l.relation in (select i.indexrelid from pg_index i where i.indrelid = any(m.oids)))
           ) then null else (select sum(pg_total_relation_size(o)) from unnest(m.oids) o)::text end as bytes
    from unnest(${schemas}::text[], ${names}::text[]) t(schema, name)
    join pg_namespace n on n.nspname = t.schema
    join pg_class c on c.relnamespace = n.oid and c.relname = t.name
    cross join lateral (
      select array_agg(p.oid) as oids, array_agg(p.reltoastrelid) as toasts from pg_class p
      where p.oid = c.oid or (c.relkind = 'p' and p.oid in (select relid from pg_partition_tree(c.oid)))
    ) m
    where c.relkind in ('r', 'p')`.execute(database.db);
  return new Map(
    rows.rows.flatMap((r) =>
      r.bytes === null ? [] : [[r.name, { ...(r.rows >= 0 ? { rows: r.rows } : {}), bytes: Number(r.bytes) }]]
    ),
  );
}

/**
 * Upstream's history on a database: Kysely's Migrator records each applied
 * file as a row of `public.kysely_migration` named by the file's id, under
 * its advisory lock. kyrage reads it to import it, and to tell a database
 * upstream migrated (whose files kyrage already has, imported) from one that
 * still needs every migration.
 */
import { type Kysely, sql } from "kysely";
import { KyrageError } from "../errors.ts";
import type { AppliedMigration } from "../migrations/history.ts";
import type { StoredMigration } from "../migrations/store.ts";
import { kyrageIdOf } from "./format.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

/** Kysely's PostgresAdapter takes this transaction advisory lock around every migration run. */
const KYSELY_LOCK_ID = "3853314791062309107";

export interface UpstreamHistoryRow {
  readonly name: string;
  readonly timestamp: string;
}

/** Upstream's history; none when the table is absent. */
export async function readUpstreamHistory(db: Db): Promise<UpstreamHistoryRow[]> {
  const exists = await sql<{ found: boolean }>`
    select to_regclass('public.kysely_migration') is not null as found`.execute(db);
  if (!exists.rows[0].found) return [];
  const rows = await sql<UpstreamHistoryRow>`
    select name, timestamp from public.kysely_migration order by timestamp, name`.execute(db);
  return rows.rows;
}

/**
 * Upstream names no schema, so Kysely put its history (and every table) in
 * the first schema of the search_path; kyrage's import is of public only.
 * Asked by `import-upstream` alone: another application's Kysely history in
 * its own schema is no concern of `apply` or `status`.
 */
export async function refuseHistoryElsewhere(db: Db): Promise<void> {
  const elsewhere = await sql<{ schema: string }>`
    select n.nspname as schema from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relname = 'kysely_migration' and c.relkind in ('r', 'p')
      and not exists (select 1 from pg_class p where p.oid = to_regclass('public.kysely_migration'))
    order by 1`.execute(db);
  if (elsewhere.rows.length === 0) return;
  const tables = elsewhere.rows.map((r) => `${r.schema}.kysely_migration`).join(", ");
  throw new KyrageError(
    `The database holds @izumisy/kyrage's history as ${tables}, not public.kysely_migration: upstream ran with a ` +
      "search_path that put its history and tables in another schema than public. kyrage takes over upstream's " +
      "tables in public only, so it would take the applied migrations for pending ones and create their tables " +
      "again. Move the schema's tables to public (`ALTER TABLE ... SET SCHEMA public`) and run `kyrage " +
      "import-upstream` again. Nothing was imported.",
  );
}

/** A row named like upstream's ids (epoch milliseconds); any other is a hand-written Kysely migration. */
export function isUpstreamRow(row: UpstreamHistoryRow): boolean {
  return /^\d{1,15}$/.test(row.name);
}

export interface UpstreamLockOptions {
  /** How long to wait for a running upstream apply, in milliseconds. */
  readonly lockWaitMs: number;
  /** Told once when upstream's apply holds the lock and the import waits. */
  readonly onWaiting?: () => void;
}

/**
 * Take Kysely's migration lock until `tx` ends, as upstream's apply does, so
 * that kysely_migration is never read while an upstream apply is half done.
 */
export async function lockUpstreamHistory(tx: Db, options: UpstreamLockOptions): Promise<void> {
  const tried = await sql<{ locked: boolean }>`
    select pg_try_advisory_xact_lock(${KYSELY_LOCK_ID}::bigint) as locked`.execute(tx);
  if (tried.rows[0].locked) return;
  options.onWaiting?.();
  const previous = await sql<{ value: string }>`select current_setting('lock_timeout') as value`.execute(tx);
  await sql`select set_config('lock_timeout', ${`${Math.max(1, Math.round(options.lockWaitMs))}ms`}, true)`.execute(tx);
  try {
    await sql`select pg_advisory_xact_lock(${KYSELY_LOCK_ID}::bigint)`.execute(tx);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "55P03") throw error;
    throw new KyrageError(
      `An apply of @izumisy/kyrage (Kysely's migration lock, advisory lock ${KYSELY_LOCK_ID}) has run for over ` +
        `${Math.round(options.lockWaitMs / 1000)} s; gave up waiting. Run \`kyrage import-upstream\` again once ` +
        "it ends. Nothing was imported.",
      { cause: error },
    );
  }
  await sql`select set_config('lock_timeout', ${previous.rows[0].value}, true)`.execute(tx);
}

/**
 * The migrations kysely_migration lists as applied by upstream (their kyrage
 * files are the imports of upstream's, same instant as id) that kyrage's
 * history lacks: `import-upstream` records them; applying would run them again.
 */
export async function unrecordedUpstream(
  db: Db,
  files: readonly StoredMigration[],
  applied: readonly AppliedMigration[],
): Promise<StoredMigration[]> {
  const rows = await readUpstreamHistory(db);
  if (rows.length === 0) return [];
  const recorded = new Set(applied.map((a) => a.id));
  const upstreamIds = new Set(rows.filter(isUpstreamRow).map((r) => kyrageIdOf(r.name)));
  return files.filter((f) => upstreamIds.has(f.id) && !recorded.has(f.id));
}

/** Stop `apply` from running again what upstream applied and kyrage's history does not know yet. */
export async function refuseUnrecordedUpstream(
  db: Db,
  files: readonly StoredMigration[],
  applied: readonly AppliedMigration[],
  label: string,
): Promise<void> {
  const unrecorded = await unrecordedUpstream(db, files, applied);
  if (unrecorded.length === 0) return;
  throw new KyrageError(
    `public.kysely_migration on ${label} lists ${unrecorded.map((m) => m.id).join(", ")} as applied by ` +
      "@izumisy/kyrage, but kyrage's history does not: applying would run them again. Run `kyrage import-upstream` " +
      "first: it records them as applied (nothing is run). Nothing was applied.",
  );
}

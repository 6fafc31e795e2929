/**
 * The history table and how it compares with the migration files: applied,
 * pending, out of order, and tampered (edited or deleted after applying).
 */
import { type Kysely, sql } from "kysely";
import { KyrageError } from "../errors.ts";
import type { StoredMigration } from "./store.ts";

export const HISTORY_SCHEMA = "public";
export const HISTORY_TABLE = "kyrage_migrations";
/** Qualified name of the history table, as introspection excludes it. */
export const HISTORY_QUALIFIED = `${HISTORY_SCHEMA}.${HISTORY_TABLE}`;
/**
 * Tables no plan ever touches: kyrage's history, and the history and lock
 * tables of @izumisy/kyrage (Kysely's Migrator), kept after an import.
 */
export const HISTORY_TABLES = [HISTORY_QUALIFIED, "public.kysely_migration", "public.kysely_migration_lock"];

export interface AppliedMigration {
  readonly id: string;
  readonly checksum: string;
  readonly appliedAt: Date;
}

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

/** Create the history table if this database has none yet. */
export async function ensureHistoryTable(db: Db): Promise<void> {
  await sql`create table if not exists ${sql.table(HISTORY_QUALIFIED)} (
    id text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`.execute(db);
}

/** Record a migration as applied (inside its transaction, when it has one). */
export async function recordApplied(db: Db, migration: StoredMigration): Promise<void> {
  await sql`insert into ${sql.table(HISTORY_QUALIFIED)} (id, checksum) values (${migration.id}, ${migration.checksum})`
    .execute(db);
}

/** Applied migrations in id order; none when the history table is absent. */
export async function readHistory(db: Db): Promise<AppliedMigration[]> {
  const exists = await sql<{ found: boolean }>`
    select to_regclass(${`"${HISTORY_SCHEMA}"."${HISTORY_TABLE}"`}) is not null as found`.execute(db);
  if (!exists.rows[0].found) return [];
  const rows = await sql<{ id: string; checksum: string; applied_at: Date }>`
    select id, checksum, applied_at from ${sql.table(HISTORY_QUALIFIED)} order by id`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, checksum: r.checksum, appliedAt: new Date(r.applied_at) }));
}

export interface TamperedMigration {
  readonly id: string;
  /** The file now; undefined when it was deleted. */
  readonly file?: StoredMigration;
  readonly expected: string;
}

export interface HistoryReport {
  readonly applied: readonly AppliedMigration[];
  /** Files not yet applied, in id order. */
  readonly pending: readonly StoredMigration[];
  /** Pending files older than the newest applied one (merged from a branch). */
  readonly outOfOrder: readonly StoredMigration[];
  /** Applied migrations whose file was edited or deleted since. */
  readonly tampered: readonly TamperedMigration[];
}

/** Compare files with the history, reporting everything, refusing nothing. */
export function inspectHistory(
  files: readonly StoredMigration[],
  applied: readonly AppliedMigration[],
): HistoryReport {
  const byId = new Map(files.map((f) => [f.id, f]));
  const tampered: TamperedMigration[] = [];
  for (const row of applied) {
    const file = byId.get(row.id);
    if (!file || file.checksum !== row.checksum) tampered.push({ id: row.id, file, expected: row.checksum });
  }
  const appliedIds = new Set(applied.map((a) => a.id));
  const newest = applied.reduce((max, a) => (a.id > max ? a.id : max), "");
  const pending = files.filter((f) => !appliedIds.has(f.id));
  return { applied, pending, outOfOrder: pending.filter((f) => f.id < newest), tampered };
}

export function describeTampered(t: TamperedMigration): string {
  return t.file
    ? `Migration file ${t.file.path} was changed after it was applied (checksum expected ${t.expected}, found ${t.file.checksum})`
    : `Migration ${t.id} is recorded as applied (checksum ${t.expected}), but its file ${t.id}.json is missing from ` +
      "the migrations directory";
}

/**
 * The report, refusing tampered history: the database would no longer match
 * what the files say. Used by everything that plans or applies.
 */
export function migrationState(
  files: readonly StoredMigration[],
  applied: readonly AppliedMigration[],
): HistoryReport {
  const report = inspectHistory(files, applied);
  if (report.tampered.length > 0) {
    throw new KyrageError(
      `${report.tampered.map(describeTampered).join("; ")}. Restore the applied version from version control and put ` +
        "new changes in a new migration, or, if the change is intended, record it with `kyrage rebaseline`.",
    );
  }
  return report;
}

/** Accept the files as they are now: re-record checksums, forget deleted files. */
export async function rebaseline(db: Db, tampered: readonly TamperedMigration[]): Promise<void> {
  for (const t of tampered) {
    if (t.file) {
      await sql`update ${sql.table(HISTORY_QUALIFIED)} set checksum = ${t.file.checksum} where id = ${t.id}`.execute(
        db,
      );
    } else {
      await sql`delete from ${sql.table(HISTORY_QUALIFIED)} where id = ${t.id}`.execute(db);
    }
  }
}

/**
 * Applies stored migrations: under a session advisory lock, each migration in
 * its own transaction together with its history row, so a crash or a failing
 * statement never leaves a migration half-applied or applied twice.
 */
import { CompiledQuery, type Kysely, sql } from "kysely";
import { compileOperation, runsOutsideTransaction } from "../dialect/postgres/compile.ts";
import { destructiveChanges } from "../diff/destructive.ts";
import { KyrageError, messageOf } from "../errors.ts";
import type { StoredMigration } from "./store.ts";

export const HISTORY_SCHEMA = "public";
export const HISTORY_TABLE = "kyrage_migrations";
/** Qualified name of the history table, as introspection excludes it. */
export const HISTORY_QUALIFIED = `${HISTORY_SCHEMA}.${HISTORY_TABLE}`;
/** Advisory lock key shared by every kyrage process: "kyrage" in ASCII. */
const LOCK_KEY = 0x6b7972616765n;

export interface AppliedMigration {
  readonly id: string;
  readonly checksum: string;
  readonly appliedAt: Date;
}

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

/** Applied migrations in id order; none when the history table is absent. */
export async function readHistory(db: Db): Promise<AppliedMigration[]> {
  const exists = await sql<{ found: boolean }>`
    select to_regclass(${`"${HISTORY_SCHEMA}"."${HISTORY_TABLE}"`}) is not null as found`.execute(db);
  if (!exists.rows[0].found) return [];
  const rows = await sql<{ id: string; checksum: string; applied_at: Date }>`
    select id, checksum, applied_at from ${sql.table(HISTORY_QUALIFIED)} order by id`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, checksum: r.checksum, appliedAt: new Date(r.applied_at) }));
}

/** The SQL of one migration, statement by statement, in stored order. */
export function migrationStatements(migration: StoredMigration): string[] {
  return migration.file.operations.flatMap(compileOperation);
}

export interface MigrationState {
  readonly applied: readonly AppliedMigration[];
  /** Files not yet applied, in id order. */
  readonly pending: readonly StoredMigration[];
  /** Pending files older than the newest applied one (merged from a branch). */
  readonly outOfOrder: readonly StoredMigration[];
}

/**
 * Compare files with the history. An applied file that was edited or deleted
 * is an error: the database no longer matches what the files say.
 */
export function migrationState(
  files: readonly StoredMigration[],
  applied: readonly AppliedMigration[],
): MigrationState {
  const byId = new Map(files.map((f) => [f.id, f]));
  for (const row of applied) {
    const file = byId.get(row.id);
    if (!file) {
      throw new KyrageError(
        `Migration ${row.id} is recorded as applied, but its file ${row.id}.json is missing from the migrations directory. ` +
          "Restore it from version control; kyrage will not continue while the history and the files disagree.",
      );
    }
    if (file.checksum !== row.checksum) {
      throw new KyrageError(
        `Migration file ${file.path} was changed after it was applied (checksum expected ${row.checksum}, found ${file.checksum}). ` +
          "Restore the applied version, and put new changes in a new migration.",
      );
    }
  }
  const appliedIds = new Set(applied.map((a) => a.id));
  const newest = applied.reduce((max, a) => (a.id > max ? a.id : max), "");
  const pending = files.filter((f) => !appliedIds.has(f.id));
  return { applied, pending, outOfOrder: pending.filter((f) => f.id < newest) };
}

/** Refuse, before anything runs, migrations whose destructive changes were not allowed. */
export function checkDestructiveAllowed(migrations: readonly StoredMigration[]): void {
  for (const m of migrations) {
    if (m.file.allowDestructive) continue;
    const changes = destructiveChanges(m.file.operations);
    if (changes.length > 0) {
      throw new KyrageError(
        `Migration ${m.path} contains destructive changes but was not generated with --allow-destructive; it would lose: ` +
          `${changes.map((c) => c.loses).join("; ")}. Nothing was applied.`,
      );
    }
  }
  for (const m of migrations) {
    if (m.file.operations.some(runsOutsideTransaction)) {
      throw new KyrageError(
        `Migration ${m.path} has operations that cannot run in a transaction, which this version cannot apply safely.`,
      );
    }
  }
}

export interface ApplyOptions {
  /** How long to wait for another kyrage process's lock, in milliseconds. */
  readonly lockWaitMs: number;
  /** PostgreSQL `lock_timeout` for each migration's statements. */
  readonly statementLockTimeout: string;
  readonly onWaiting?: () => void;
  readonly onApplied?: (migration: StoredMigration, ms: number) => void;
}

export interface ApplyResult {
  readonly applied: readonly StoredMigration[];
}

/**
 * Apply every pending migration. Holds one connection for the whole run:
 * session advisory locks belong to a connection.
 */
export async function applyMigrations(
  db: Db,
  files: readonly StoredMigration[],
  options: ApplyOptions,
): Promise<ApplyResult> {
  return await db.connection().execute(async (conn) => {
    await acquireLock(conn, options);
    try {
      await sql`create table if not exists ${sql.table(HISTORY_QUALIFIED)} (
        id text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(conn);
      const { pending } = migrationState(files, await readHistory(conn));
      checkDestructiveAllowed(pending);
      const applied: StoredMigration[] = [];
      for (const migration of pending) {
        const started = performance.now();
        await applyOne(conn, migration, options);
        applied.push(migration);
        options.onApplied?.(migration, performance.now() - started);
      }
      return { applied };
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_KEY.toString()}::bigint)`.execute(conn).catch(() => {});
    }
  });
}

async function acquireLock(conn: Db, options: ApplyOptions): Promise<void> {
  const deadline = Date.now() + options.lockWaitMs;
  let told = false;
  for (;;) {
    const result = await sql<{ locked: boolean }>`
      select pg_try_advisory_lock(${LOCK_KEY.toString()}::bigint) as locked`.execute(conn);
    if (result.rows[0].locked) return;
    if (Date.now() >= deadline) {
      throw new KyrageError(
        `Another kyrage process has been applying migrations for over ${
          Math.round(options.lockWaitMs / 1000)
        } s; gave up waiting for its lock (--lock-timeout).`,
      );
    }
    if (!told) options.onWaiting?.();
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function applyOne(conn: Db, migration: StoredMigration, options: ApplyOptions): Promise<void> {
  const run = (statement: string) => conn.executeQuery(CompiledQuery.raw(statement));
  await run("begin");
  let statement = "";
  try {
    await sql`select set_config('lock_timeout', ${options.statementLockTimeout}, true)`.execute(conn);
    for (statement of migrationStatements(migration)) await run(statement);
    statement = `insert into ${HISTORY_QUALIFIED}`;
    await sql`insert into ${
      sql.table(HISTORY_QUALIFIED)
    } (id, checksum) values (${migration.id}, ${migration.checksum})`
      .execute(conn);
    await run("commit");
  } catch (error) {
    await run("rollback").catch(() => {});
    throw new KyrageError(
      `Migration ${migration.id} (${migration.path}) failed and was rolled back; migrations before it stay applied.\n` +
        `  statement: ${statement.replaceAll("\n", "\n  ")}\n  error: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/**
 * Applies stored migrations: under a session advisory lock, each migration in
 * its own transaction together with its history row, so a crash or a failing
 * statement never leaves a migration half-applied or applied twice.
 */
import { CompiledQuery, type Kysely, sql } from "kysely";
import { compileOperation, runsOutsideTransaction } from "../dialect/postgres/compile.ts";
import { isConnectionLost } from "../dialect/postgres/lost_connection.ts";
import { doBlock, literal } from "../dialect/postgres/quote.ts";
import { type DestructiveChange, destructiveChanges } from "../diff/destructive.ts";
import { KyrageError } from "../errors.ts";
import { pause } from "../file_lock.ts";
import { applyConcurrently } from "./concurrent_index.ts";
import { describeError, lostBetween, lostDuring } from "./failure.ts";
import { readLiveColumns } from "./live_columns.ts";
import { describeViolations } from "./violations.ts";
import { ensureHistoryTable, HISTORY_QUALIFIED, migrationState, readHistory, recordApplied } from "./history.ts";
import type { StoredMigration } from "./store.ts";
import { stepScript } from "./script.ts";
import { tableLockHolders } from "./table_locks.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

/** Advisory lock key shared by every kyrage process: "kyrage" in ASCII. */
export const LOCK_KEY = 0x6b7972616765n;

/** The SQL of one migration, statement by statement, in stored order. */
export function migrationStatements(migration: StoredMigration): string[] {
  return migration.file.operations.flatMap(compileOperation);
}

/**
 * Refuse, before anything runs, migrations that cannot be applied safely:
 * destructive changes not allowed by their file, judged against the live
 * columns (not what the file says they were), or a concurrent index build
 * sharing a file with other operations. Returns each file's destructive
 * changes, to announce before it runs.
 */
export async function checkRunnable(
  db: Db,
  migrations: readonly StoredMigration[],
): Promise<Map<StoredMigration, DestructiveChange[]>> {
  const live = await readLiveColumns(db, migrations.flatMap((m) => m.file.operations));
  const losses = new Map<StoredMigration, DestructiveChange[]>();
  // Every file advances the live columns, allowed or not: the next one runs on what it leaves.
  for (const m of migrations) {
    const changes = destructiveChanges(m.file.operations, live);
    losses.set(m, changes);
    if (changes.length > 0 && !m.file.allowDestructive) {
      throw new KyrageError(
        `Migration ${m.path} contains destructive changes but was not generated with --allow-destructive; it would lose: ` +
          `${changes.map((c) => c.loses).join("; ")}. Nothing was applied.`,
      );
    }
  }
  for (const m of migrations) {
    const empty = m.file.operations.some((op) => op.kind === "sql" && op.sql.trim() === "");
    if (empty) {
      throw new KyrageError(
        `Migration ${m.path} has a hand-written SQL step with no SQL yet: write it in the file's "sql" field ` +
          "(its checksum is recorded when it is applied). Nothing was applied.",
      );
    }
    if (m.file.operations.some(runsOutsideTransaction) && m.file.operations.length > 1) {
      throw new KyrageError(
        `Migration ${m.path} mixes an operation that cannot run in a transaction (a concurrent index build or drop, ` +
          "or a hand-written step with transaction: false) with others; such operations are migrations of their " +
          "own. Split the file. Nothing was applied.",
      );
    }
  }
  return losses;
}

export interface ApplyOptions {
  /** How long to wait for another kyrage process's lock (or another session's index build), in milliseconds. */
  readonly lockWaitMs: number;
  /** PostgreSQL `lock_timeout` for each migration's statements. */
  readonly statementLockTimeout: string;
  /** Waiting for another kyrage process; `holder` describes its session when the server says. */
  readonly onWaiting?: (holder: string | undefined) => void;
  /** A file that allows destructive changes is about to run them. */
  readonly onDestructive?: (migration: StoredMigration, changes: readonly DestructiveChange[]) => void;
  readonly onNotice?: (migration: StoredMigration, notice: string) => void;
  readonly onApplied?: (migration: StoredMigration, ms: number) => void;
}

/**
 * The migration files, or how to read them: read once the lock is held, so
 * a file rewritten while apply waited (by watch, which writes under the same
 * lock) is checked and applied as it is then, never a stale copy.
 */
export type MigrationSource = readonly StoredMigration[] | (() => Promise<readonly StoredMigration[]>);

export interface ApplyResult {
  readonly applied: readonly StoredMigration[];
}

/**
 * Apply every pending migration. Holds one connection for the whole run:
 * session advisory locks belong to a connection. Once the lock is held that
 * connection never sits idle between statements (waits happen on the
 * server), so a session the server ends always shows as a failed statement.
 */
export async function applyMigrations(db: Db, source: MigrationSource, options: ApplyOptions): Promise<ApplyResult> {
  try {
    return await db.connection().execute(async (conn) => {
      await acquireLock(conn, options);
      try {
        const files = typeof source === "function" ? await source() : source;
        await ensureHistoryTable(conn);
        const { pending } = migrationState(files, await readHistory(conn));
        const losses = await checkRunnable(conn, pending);
        const applied: StoredMigration[] = [];
        for (const migration of pending) {
          const started = performance.now();
          const changes = losses.get(migration) ?? [];
          if (changes.length > 0) options.onDestructive?.(migration, changes);
          const steps = migration.file.operations.filter((op) => op.kind === "sql").length;
          if (steps > 0) {
            options.onNotice?.(
              migration,
              `runs ${steps} hand-written SQL step(s): kyrage cannot tell what they change ` +
                "or whether they lose data; they run as written.",
            );
          }
          await applyOne(conn, migration, options);
          applied.push(migration);
          options.onApplied?.(migration, performance.now() - started);
        }
        return { applied };
      } finally {
        await sql`select pg_advisory_unlock(${LOCK_KEY.toString()}::bigint)`.execute(conn).catch(() => {});
      }
    });
  } catch (error) {
    if (error instanceof KyrageError || !isConnectionLost(error)) throw error;
    throw new KyrageError(lostBetween(), { cause: error });
  }
}

/** Who holds kyrage's advisory lock, and what that session is doing. */
async function lockHolder(conn: Db): Promise<string | undefined> {
  const result = await sql<{ pid: number; state: string | null; query: string | null; seconds: number | null }>`
    select l.pid, a.state, left(a.query, 120) as query,
           extract(epoch from now() - a.query_start)::int as seconds
    from pg_locks l left join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.granted and l.objsubid = 1
      and l.classid = ${Number(LOCK_KEY >> 32n)} and l.objid = ${Number(LOCK_KEY & 0xffffffffn)}
    limit 1`.execute(conn);
  const row = result.rows[0];
  if (!row) return undefined;
  return row.state === "active" && row.query
    ? `session ${row.pid}, running for ${row.seconds} s: ${row.query.replace(/\s+/g, " ")}`
    : `session ${row.pid}, ${row.state ?? "state unknown"}`;
}

/** How often a waiting process tries the advisory lock again. */
const LOCK_RETRY_MS = 100;

/**
 * Take kyrage's session advisory lock on `conn` (a connection outside any
 * transaction), trying again every LOCK_RETRY_MS for up to `waitMs`;
 * `onWaiting` is told once, with the holder, before the first pause; aborting
 * `signal` ends the wait. Returns whether it was taken. Never one long `pg_advisory_lock`: its snapshot would
 * stay open, and a CREATE INDEX CONCURRENTLY run under the lock waits for
 * every older snapshot while that statement waits for the lock (deadlock).
 */
export async function takeAdvisoryLock(
  conn: Db,
  waitMs: number,
  onWaiting?: (holder: string | undefined) => void,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (let told = false;; told = true) {
    const tried = await sql<{ locked: boolean }>`
      select pg_try_advisory_lock(${LOCK_KEY.toString()}::bigint) as locked`.execute(conn);
    if (tried.rows[0].locked) return true;
    if (Date.now() >= deadline) return false;
    if (!told) onWaiting?.(await lockHolder(conn));
    await pause(Math.min(LOCK_RETRY_MS, Math.max(deadline - Date.now(), 1)), signal);
  }
}

/** Take the advisory lock, waiting up to `lockWaitMs` when another session holds it. */
async function acquireLock(conn: Db, options: ApplyOptions): Promise<void> {
  if (await takeAdvisoryLock(conn, options.lockWaitMs, options.onWaiting)) return;
  const now = await lockHolder(conn).catch(() => undefined);
  throw new KyrageError(
    `Another kyrage apply has held the migration lock for over ${Math.round(options.lockWaitMs / 1000)} s; ` +
      `gave up waiting (--lock-timeout).${now ? ` The lock is held by ${now}.` : ""} kyrage never ends another ` +
      "session: a session whose kyrage process was interrupted releases the lock when its statement ends.",
  );
}

async function applyOne(conn: Db, migration: StoredMigration, options: ApplyOptions): Promise<void> {
  const [only] = migration.file.operations;
  const run = (statement: string) => conn.executeQuery(CompiledQuery.raw(statement));
  if (migration.file.operations.length === 1 && runsOutsideTransaction(only)) {
    if (only.kind === "create_index") return await applyConcurrently(conn, migration, only, options);
    return await outsideTransaction(run, conn, migration, options);
  }
  // A hand-written step may hold several statements: only a block keeps them (and any COMMIT in them) inside.
  const steps = migration.file.operations.flatMap((op) =>
    op.kind === "sql"
      ? [{ text: op.sql, send: batch([op.sql]) }]
      : compileOperation(op).map((s) => ({ text: s, send: s }))
  );
  const script = await stepScript(conn, steps);
  let statement = "begin";
  try {
    await run(statement);
    // Function bodies may call functions and read tables the migration creates later, as in pg_dump's output.
    statement = `select set_config('lock_timeout', ${
      literal(options.statementLockTimeout)
    }, true), set_config('check_function_bodies', 'off', true)`;
    await run(statement);
    statement = SCRIPT;
    await run(script.sql);
    statement = `insert into ${HISTORY_QUALIFIED}`;
    await recordApplied(conn, migration);
    statement = "commit";
    await run(statement);
  } catch (error) {
    if (isConnectionLost(error)) throw new KyrageError(lostDuring(migration, statement === "commit"), { cause: error });
    await run("rollback").catch(() => {});
    if (statement === SCRIPT) {
      statement = (await script.failedStep(error))?.text ??
        `one of the migration's ${steps.length} statements (PostgreSQL did not say which)`;
    }
    const rows = await violationsOf(conn, migration, statement, error);
    const held = await heldBy(conn, migration, statement, error);
    throw new KyrageError(
      `Migration ${migration.id} (${migration.path}) failed and was rolled back; migrations before it stay applied.\n` +
        `  statement: ${statement.replaceAll("\n", "\n  ")}\n${describeError(error)}${
          rows ? `\n  rows: ${rows}` : ""
        }${held}`,
      { cause: error },
    );
  } finally {
    await script.close();
  }
}

const SCRIPT = "the migration's statements";

/** For a check or foreign key that existing rows break: which rows (see violations.ts). */
async function violationsOf(
  conn: Db,
  migration: StoredMigration,
  statement: string,
  error: unknown,
): Promise<string | undefined> {
  const code = (error as { code?: unknown })?.code;
  if (code !== "23503" && code !== "23514") return undefined;
  const op = migration.file.operations.find((o) => compileOperation(o).includes(statement));
  const name = op?.kind === "validate_constraint"
    ? op.name
    : op?.kind === "add_check"
    ? op.check.name
    : op?.kind === "add_foreign_key"
    ? op.foreignKey.name
    : undefined;
  if (!op || !("table" in op) || name === undefined) return undefined;
  // An ADD rolled back took its constraint with it: only a validation finds it still there.
  return await describeViolations(conn, op.schema, op.table, name).catch(() => undefined);
}

/** For a statement that ran out of lock_timeout: a `lock:` line naming the sessions holding its tables. */
async function heldBy(conn: Db, migration: StoredMigration, statement: string, error: unknown): Promise<string> {
  if ((error as { code?: unknown })?.code !== "55P03") return "";
  const held = await tableLockHolders(conn, migration, statement);
  return held ? `\n  lock: ${held}` : "";
}

/** Several statements as one anonymous block. */
function batch(statements: readonly string[]): string {
  return doBlock(`BEGIN ${statements.map((s) => `EXECUTE ${literal(s)};`).join(" ")} END`);
}

/** A statement PostgreSQL runs only outside a transaction, safe to repeat (DROP INDEX CONCURRENTLY IF EXISTS). */
async function outsideTransaction(
  run: (statement: string) => Promise<unknown>,
  conn: Db,
  migration: StoredMigration,
  options: ApplyOptions,
): Promise<void> {
  let statement = `SET lock_timeout = ${literal(options.statementLockTimeout)}`;
  try {
    await run(statement);
    for (statement of migrationStatements(migration)) await run(statement);
    statement = `insert into ${HISTORY_QUALIFIED}`;
    await recordApplied(conn, migration);
  } catch (error) {
    const which = `Migration ${migration.id} (${migration.path})`;
    const held = await heldBy(conn, migration, statement, error);
    // kyrage's own statements here are safe to repeat; what a hand-written one left behind, kyrage cannot know.
    const rerun = migration.file.operations.some((o) => o.kind === "sql")
      ? "its hand-written step ran without a transaction, so what it did before it stopped stays (e.g. an invalid " +
        "index from CREATE INDEX CONCURRENTLY: drop it); check the database before re-running apply."
      : "re-running apply repeats it safely.";
    throw new KyrageError(
      isConnectionLost(error)
        ? `The connection to PostgreSQL was lost while ${which} ran outside a transaction; ${rerun}`
        : `${which} failed outside a transaction; ${rerun}\n  statement: ${statement}\n${describeError(error)}${held}`,
      { cause: error },
    );
  } finally {
    await run("RESET lock_timeout").catch(() => {});
  }
}

/**
 * Applies stored migrations: under a session advisory lock, each migration in
 * its own transaction together with its history row, so a crash or a failing
 * statement never leaves a migration half-applied or applied twice.
 */
import { CompiledQuery, type Kysely, sql } from "kysely";
import { compileOperation, runsOutsideTransaction } from "../dialect/postgres/compile.ts";
import { ident, literal } from "../dialect/postgres/quote.ts";
import type { OperationOf } from "../diff/operations.ts";
import { destructiveChanges } from "../diff/destructive.ts";
import { KyrageError, messageOf } from "../errors.ts";
import { ensureHistoryTable, HISTORY_QUALIFIED, migrationState, readHistory } from "./history.ts";
import type { StoredMigration } from "./store.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

/** Advisory lock key shared by every kyrage process: "kyrage" in ASCII. */
const LOCK_KEY = 0x6b7972616765n;

/** The SQL of one migration, statement by statement, in stored order. */
export function migrationStatements(migration: StoredMigration): string[] {
  return migration.file.operations.flatMap(compileOperation);
}

/**
 * Refuse, before anything runs, migrations that cannot be applied safely:
 * destructive changes not allowed by their file, or a concurrent index build
 * sharing a file with other operations.
 */
export function checkRunnable(migrations: readonly StoredMigration[]): void {
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
    if (m.file.operations.some(runsOutsideTransaction) && m.file.operations.length > 1) {
      throw new KyrageError(
        `Migration ${m.path} mixes an operation that cannot run in a transaction (CREATE INDEX CONCURRENTLY) with ` +
          "others; kyrage generates such operations as migrations of their own. Split the file. Nothing was applied.",
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
      await ensureHistoryTable(conn);
      const { pending } = migrationState(files, await readHistory(conn));
      checkRunnable(pending);
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

/** Advice for failures whose cause is a server limit rather than the statement. */
function hint(error: unknown): string {
  return /out of shared memory/.test(messageOf(error))
    ? "\n  hint: one transaction took more locks than the server's lock table holds; raise max_locks_per_transaction " +
      "(it scales with max_connections) or split the change into smaller migrations"
    : "";
}

async function applyOne(conn: Db, migration: StoredMigration, options: ApplyOptions): Promise<void> {
  const [only] = migration.file.operations;
  if (migration.file.operations.length === 1 && runsOutsideTransaction(only)) {
    return await applyConcurrently(conn, migration, only, options);
  }
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
        `  statement: ${statement.replaceAll("\n", "\n  ")}\n  error: ${messageOf(error)}${hint(error)}`,
      { cause: error },
    );
  }
}

/**
 * A migration holding one CREATE INDEX CONCURRENTLY, which PostgreSQL runs
 * only outside a transaction. An interrupted build leaves an INVALID index
 * behind, so one is dropped first; the history row follows the build.
 */
async function applyConcurrently(
  conn: Db,
  migration: StoredMigration,
  op: OperationOf<"create_index">,
  options: ApplyOptions,
): Promise<void> {
  const run = (statement: string) => conn.executeQuery(CompiledQuery.raw(statement));
  const index = `${ident(op.schema)}.${ident(op.index.name)}`;
  const statements = [
    `SET lock_timeout = ${literal(options.statementLockTimeout)}`,
    `DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(${
      literal(index)
    }) AND NOT indisvalid) THEN EXECUTE ${literal(`DROP INDEX CONCURRENTLY ${index}`)}; END IF; END$$`,
    ...migrationStatements(migration),
  ];
  let statement = "";
  try {
    for (statement of statements) await run(statement);
    statement = `insert into ${HISTORY_QUALIFIED}`;
    await sql`insert into ${
      sql.table(HISTORY_QUALIFIED)
    } (id, checksum) values (${migration.id}, ${migration.checksum})`.execute(conn);
  } catch (error) {
    throw new KyrageError(
      `Migration ${migration.id} (${migration.path}) failed; it builds an index concurrently, outside a transaction, ` +
        `so a re-run drops any invalid index it left and builds it again.\n  statement: ${statement}\n  error: ${
          messageOf(error)
        }`,
      { cause: error },
    );
  } finally {
    await run("RESET lock_timeout").catch(() => {});
  }
}

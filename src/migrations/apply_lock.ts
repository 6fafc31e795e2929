/**
 * Holding apply's advisory lock from outside apply: a command that rewrites
 * or removes pending migration files (watch, generate --squash) checks the
 * history and writes under it, so no apply starts in between.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../dialect/database.ts";
import type { KyrageError } from "../errors.ts";
import { pause } from "../file_lock.ts";
import { LOCK_KEY } from "./runner.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

/** How long a writer waits for an apply that holds the target before it gives up, leaving the files as they were. */
export const APPLY_WAIT_MS = 10_000;

export interface ApplyLockWait {
  /** Told once, when an apply holds the lock. */
  readonly onWaiting: () => void;
  /** The error thrown once APPLY_WAIT_MS have passed. */
  readonly gaveUp: () => KyrageError;
  /** Aborting ends the wait at once. */
  readonly signal?: AbortSignal;
}

/**
 * Run `body` on one connection of a server while it holds apply's session
 * lock. The lock is polled with pg_try_advisory_lock: a blocking
 * pg_advisory_lock keeps a snapshot open, which an apply's concurrent index
 * build would wait for.
 */
export async function underApplyLock<T>(
  database: Database,
  wait: ApplyLockWait,
  body: (conn: Db) => Promise<T>,
): Promise<T> {
  const key = LOCK_KEY.toString();
  return await database.db.connection().execute(async (conn) => {
    const deadline = Date.now() + APPLY_WAIT_MS;
    for (let told = false;; told = true) {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}::bigint) as locked`.execute(
        conn,
      );
      if (rows[0].locked) break;
      if (Date.now() >= deadline) throw wait.gaveUp();
      if (!told) wait.onWaiting();
      await pause(200, wait.signal);
    }
    try {
      return await body(conn);
    } finally {
      await sql`select pg_advisory_unlock(${key}::bigint)`.execute(conn).catch(() => {});
    }
  });
}

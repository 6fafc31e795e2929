/**
 * Holding apply's advisory lock from outside apply: a command that rewrites
 * or removes pending migration files (watch, generate --squash) checks the
 * history and writes under it, so no apply starts in between.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../dialect/database.ts";
import type { KyrageError } from "../errors.ts";
import { LOCK_KEY, takeAdvisoryLock } from "./runner.ts";

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
 * lock, polled as apply polls it (takeAdvisoryLock), for up to APPLY_WAIT_MS.
 */
export async function underApplyLock<T>(
  database: Database,
  wait: ApplyLockWait,
  body: (conn: Db) => Promise<T>,
): Promise<T> {
  return await database.db.connection().execute(async (conn) => {
    if (!await takeAdvisoryLock(conn, APPLY_WAIT_MS, () => wait.onWaiting(), wait.signal)) throw wait.gaveUp();
    try {
      return await body(conn);
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_KEY.toString()}::bigint)`.execute(conn).catch(() => {});
    }
  });
}

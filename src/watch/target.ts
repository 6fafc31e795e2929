/**
 * What a watch session plans against, and how it learns whether its owned
 * migration was applied meanwhile (`kyrage apply` in another terminal), so
 * that an applied file is never rewritten or removed.
 */
import { dirname, join } from "node:path";
import type { Kysely } from "kysely";
import { parseConnectionString } from "../dialect/connection_string.ts";
import { type Database, type DatabaseTarget, openDatabase } from "../dialect/database.ts";
import { APPLY_WAIT_MS, underApplyLock } from "../migrations/apply_lock.ts";
import { PLANNING_LOCK_TIMEOUT } from "../blockers.ts";
import { MEMORY_DIR } from "../dialect/pglite/paths.ts";
import { KyrageError, messageOf } from "../errors.ts";
import { readHistory } from "../migrations/history.ts";
import { pause, tryLockFile } from "../file_lock.ts";
import type { StoredMigration } from "../migrations/store.ts";
import type { IntrospectCache, NormalCache } from "../plan.ts";

export interface WatchTarget {
  /** The database `kyrage apply` changes, as printed (never a password). */
  readonly label: string;
  /** The state to plan against, given every migration file but the owned one. */
  base(others: readonly StoredMigration[]): Promise<Database>;
  /** Normal forms of desired tables on the current base, when that base only changes through this session. */
  readonly normalized?: NormalCache;
  /** The base's actual model, while the base stays the same (see PlanOptions.introspected). */
  readonly introspected?: IntrospectCache;
  /**
   * Run `write` (which rewrites or removes the owned files, named by `path`
   * in messages) unless some of migrations `ids` are applied on the target;
   * returns those, empty when it wrote. The target's apply lock is held from
   * the check to the end of `write`, so no apply can start in between.
   */
  unlessApplied(ids: readonly string[], path: string, write: () => Promise<void>): Promise<string[]>;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** Aborted when watch stops: waits end at once. */
  readonly signal: AbortSignal;
  /** Told once per wait for an apply. */
  readonly onWaiting: (message: string) => void;
}

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

function labelOf(target: DatabaseTarget): string {
  if (target.dialect === "pglite") return `pglite:${target.dataDir}`;
  const parsed = parseConnectionString(target.connectionString);
  return parsed.ok ? parsed.label : "(an unreadable connection string)";
}

function stillBusy(label: string, path: string): KyrageError {
  return new KyrageError(
    `${label} stayed in use by another kyrage process (an apply?) for over ${APPLY_WAIT_MS / 1000} s, so watch ` +
      `cannot tell whether ${path} was applied; it was left as it was. Save again once that process is done.`,
  );
}

async function ifNotApplied(db: Db, ids: readonly string[], write: () => Promise<void>): Promise<string[]> {
  const applied = new Set((await readHistory(db)).map((m) => m.id));
  const found = ids.filter((id) => applied.has(id));
  if (found.length === 0) await write();
  return found;
}

/** The dev database with `files` applied (the config's dev server, if any). */
export type OpenDev = (files: readonly StoredMigration[]) => Promise<Database>;

/**
 * Plan against the target itself (a server, or an embedded database this
 * session keeps open) as it will be once every other pending migration is
 * applied: while some are pending, on a replay of every other file, or the
 * session would write their changes again.
 */
export function liveTarget(target: DatabaseTarget, options: TargetOptions, openDev: OpenDev): WatchTarget {
  const label = labelOf(target);
  let database: Database | undefined;
  // Planning reads give up on another session's table lock (owned.ts names it) instead of stalling every save.
  const open = async () => database ??= await openDatabase(target, { lockTimeout: PLANNING_LOCK_TIMEOUT });
  const replay = replays(openDev);
  return {
    label,
    async base(others) {
      const live = await open();
      const applied = new Set((await readHistory(live.db)).map((m) => m.id));
      const pending = others.filter((f) => !applied.has(f.id));
      if (pending.length === 0) return live;
      const dev = await replay.open(others);
      return { ...dev, label: `${label} with its ${pending.length} pending migration(s), replayed on ${dev.label}` };
    },
    async unlessApplied(ids, path, write) {
      const db = await open();
      // An embedded database held open by this session cannot be applied to by anyone else.
      return db.dialect === "postgres"
        ? await ifNotAppliedLocked(db, ids, path, write, options)
        : await ifNotApplied(db.db, ids, write);
    },
    async close() {
      await replay.close();
      await database?.close();
    },
  };
}

/** A dev database with some files replayed, replayed again only when that set changes: replay is slow. */
function replays(openDev: OpenDev) {
  let dev: { key: string; database: Database } | undefined;
  // The dev database changes only by a new replay, which starts it afresh.
  const normalized: NormalCache = new Map();
  const introspected: IntrospectCache = new Map();
  return {
    normalized,
    introspected,
    async open(files: readonly StoredMigration[]): Promise<Database> {
      const key = files.map((m) => `${m.id}:${m.checksum}`).join(",");
      if (dev?.key !== key) {
        await dev?.database.close();
        dev = undefined;
        normalized.clear();
        introspected.clear();
        dev = { key, database: await openDev(files) };
      }
      return dev.database;
    },
    close: async () => await dev?.database.close(),
  };
}

/**
 * Plan against the dev database (every other migration replayed in memory)
 * and ask the target whether the owned file was applied.
 */
export function devTarget(target: DatabaseTarget, options: TargetOptions, openDev: OpenDev): WatchTarget {
  const label = labelOf(target);
  const replay = replays(openDev);
  let server: Database | undefined;
  return {
    label,
    normalized: replay.normalized,
    introspected: replay.introspected,
    base: replay.open,
    async unlessApplied(ids, path, write) {
      if (target.dialect === "postgres") {
        try {
          server ??= await openDatabase(target);
        } catch (error) {
          throw new KyrageError(
            `Cannot tell whether ${path} was applied to ${label}, so it was left as it was: ${messageOf(error)}`,
            { cause: error },
          );
        }
        return await ifNotAppliedLocked(server, ids, path, write, options);
      }
      // Nothing outside this process can reach an in-memory database.
      if (target.dataDir === MEMORY_DIR) {
        await write();
        return [];
      }
      return await embeddedUnlessApplied(target.dataDir, ids, path, write, options);
    },
    async close() {
      await replay.close();
      await server?.close();
    },
  };
}

/** On a server: wait out a running apply (its advisory lock), then check and write while holding that lock. */
async function ifNotAppliedLocked(
  database: Database,
  ids: readonly string[],
  path: string,
  write: () => Promise<void>,
  options: TargetOptions,
): Promise<string[]> {
  return await underApplyLock(database, {
    onWaiting: () =>
      options.onWaiting(
        `waiting for the kyrage apply running on ${database.label} to finish, to tell whether ${path} was applied`,
      ),
    gaveUp: () => stillBusy(database.label, path),
    signal: options.signal,
  }, (conn) => ifNotApplied(conn, ids, write));
}

/**
 * The embedded target is a PGlite directory only one process may open (an OS
 * lock on `<dataDir>.lock`, src/dialect/pglite/connect.ts). Holding it for the
 * session would lock `kyrage apply` out, so watch opens it only when its owned
 * file exists (a file that does not exist cannot have been applied), only at
 * the moment of writing (about 0.2 s), and keeps it open until the write is
 * done, so an apply cannot start in between. An apply holding it is waited
 * for, up to a bound, saying so; past that the cycle fails and the file stays
 * as it was: never a guess. A directory never initialized has applied
 * nothing; its lock is held while writing, so no apply creates it meanwhile.
 */
async function embeddedUnlessApplied(
  dataDir: string,
  ids: readonly string[],
  path: string,
  write: () => Promise<void>,
  options: TargetOptions,
): Promise<string[]> {
  const label = `pglite:${dataDir}`;
  const deadline = Date.now() + APPLY_WAIT_MS;
  for (let told = false;; told = true) {
    const outcome = await tryEmbedded(dataDir, ids, write);
    if (outcome !== "busy") return outcome;
    if (Date.now() >= deadline) throw stillBusy(label, path);
    if (!told) {
      options.onWaiting(
        `waiting for another kyrage process (an apply?) using ${label} to finish, to tell whether ${path} was applied`,
      );
    }
    await pause(200, options.signal);
  }
}

async function tryEmbedded(
  dataDir: string,
  ids: readonly string[],
  write: () => Promise<void>,
): Promise<string[] | "busy"> {
  const lockPath = `${dataDir}.lock`;
  await Deno.mkdir(dirname(dataDir), { recursive: true });
  const probe = await tryLockFile(lockPath);
  if (!probe) return "busy";
  try {
    if (!(await Deno.stat(join(dataDir, "PG_VERSION")).then(() => true, () => false))) {
      await write();
      return [];
    }
  } finally {
    probe.close();
  }
  let database: Database;
  try {
    database = await openDatabase({ dialect: "pglite", dataDir });
  } catch (error) {
    // Taken between the probe and the open: wait as for any holder.
    const again = await tryLockFile(lockPath);
    again?.close();
    if (!again) return "busy";
    throw error;
  }
  try {
    return await ifNotApplied(database.db, ids, write);
  } finally {
    await database.close();
  }
}

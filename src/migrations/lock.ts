/**
 * One writer per migrations directory: two `generate` runs (or two `watch`
 * sessions) planning at once would each write the same operations, and apply
 * would then fail on the second copy. An OS file lock dies with its process,
 * so a crash never leaves a stale one. The lock files live in `.kyrage/`
 * beside the migrations directory (local state, never committed), named after
 * it, so every config that writes to one directory shares its lock.
 *
 * A `watch` session holds a second lock for its whole life, so that others
 * can tell a session (which never ends by itself: refuse at once) from a
 * `generate` (which ends within seconds: wait a bounded time).
 */
import { basename, dirname, join, resolve } from "node:path";
import { KyrageError, messageOf } from "../errors.ts";
import { pause, tryLockFile } from "../file_lock.ts";

export type Writer = "watch" | "generate" | "pull --baseline" | "import-upstream";

/** How long to wait for a `generate` or `pull --baseline` that holds the directory. */
const WRITER_WAIT_MS = 30_000;

/** The directory is held by a running `kyrage watch` session. */
export class HeldByWatch extends KyrageError {}

/** Released by `release()`, or at the end of the scope of a `using` declaration. */
export interface MigrationsLock extends Disposable {
  release(): void;
}

export interface LockOptions {
  /** Told once when the lock is busy and the caller waits. */
  readonly onWaiting?: (message: string) => void;
  readonly signal?: AbortSignal;
}

async function lockFiles(dir: string): Promise<{ writer: string; watch: string }> {
  // The real path, so two spellings of one directory (a symlink) share a lock.
  const real = (path: string) => Deno.realPath(path).catch(() => undefined);
  const absolute = resolve(dir);
  const path = await real(absolute) ?? join(await real(dirname(absolute)) ?? dirname(absolute), basename(absolute));
  const state = join(dirname(path), ".kyrage");
  try {
    await Deno.mkdir(state, { recursive: true });
    // Local state: keep it out of version control even where no .gitignore mentions it.
    await Deno.writeTextFile(join(state, ".gitignore"), "*\n", { createNew: true }).catch(() => {});
  } catch (error) {
    throw new KyrageError(
      `Cannot create ${state} for the lock of the migrations directory ${dir}: ${messageOf(error)}`,
    );
  }
  const name = basename(path);
  return { writer: join(state, `${name}.writer.lock`), watch: join(state, `${name}.watch.lock`) };
}

async function acquire(path: string, dir: string): Promise<Deno.FsFile | undefined> {
  try {
    return await tryLockFile(path);
  } catch (error) {
    throw new KyrageError(`Cannot lock the migrations directory ${dir} (${path}): ${messageOf(error)}`);
  }
}

async function heldByWatch(watchLock: string, dir: string): Promise<boolean> {
  const probe = await acquire(watchLock, dir);
  probe?.close();
  return probe === undefined;
}

/**
 * Become the only writer of `dir`. A `watch` session held elsewhere is
 * refused at once (`HeldByWatch`); a `generate` or `pull --baseline` is
 * waited for up to 30 s, saying so.
 */
export async function lockMigrationsDir(
  dir: string,
  writer: Writer,
  options: LockOptions = {},
): Promise<MigrationsLock> {
  const paths = await lockFiles(dir);
  let watchLock: Deno.FsFile | undefined;
  if (writer === "watch") {
    watchLock = await acquire(paths.watch, dir);
    if (!watchLock) {
      throw new HeldByWatch(
        `The migrations directory ${dir} is held by another running \`kyrage watch\` session; one session per ` +
          "directory, or both would write the same changes. Stop the other session first.",
      );
    }
  }
  try {
    const deadline = Date.now() + WRITER_WAIT_MS;
    let told = false;
    for (;;) {
      const lock = await acquire(paths.writer, dir);
      if (lock) {
        let held = true;
        const release = () => {
          if (held) [lock, watchLock].forEach((file) => file?.close());
          held = false;
        };
        return { release, [Symbol.dispose]: release };
      }
      if (!watchLock && await heldByWatch(paths.watch, dir)) {
        throw new HeldByWatch(
          `The migrations directory ${dir} is held by a running \`kyrage watch\` session, which keeps its own ` +
            `pending migration there. Stop it (Ctrl-C) first, then run ${writer} again. Nothing was written.`,
        );
      }
      if (Date.now() >= deadline) {
        throw new KyrageError(
          `Another kyrage process (generate or pull --baseline) has been writing to ${dir} for over ` +
            `${WRITER_WAIT_MS / 1000} s; gave up waiting. Nothing was written.`,
        );
      }
      if (!told) {
        options.onWaiting?.(`Waiting for another kyrage process (generate or pull --baseline) writing to ${dir}...`);
      }
      told = true;
      await pause(200, options.signal);
    }
  } catch (error) {
    watchLock?.close();
    throw error;
  }
}

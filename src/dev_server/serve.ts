/**
 * The dev server process (`kyrage dev start` runs it detached): a PGlite
 * data directory with every migration applied, served over PostgreSQL's wire
 * protocol on a local port until it gets SIGTERM.
 */
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { openPglite } from "../dialect/pglite/connect.ts";
import { pgliteOptions } from "../dialect/pglite/options.ts";
import { applyMigrations } from "../migrations/runner.ts";
import { readMigrations } from "../migrations/store.ts";
import { dataDir, serverLockFile, stateFile } from "./state.ts";
import { pause, tryLockFile } from "../file_lock.ts";
import { sharedSession } from "./session.ts";
import { KyrageError } from "../errors.ts";

/** The server's lock, tried for a moment: another command probing it (state.ts) holds it only that long. */
async function lockServer(dir: string): Promise<Deno.FsFile> {
  for (let tries = 0; tries < 40; tries++) {
    const lock = await tryLockFile(serverLockFile(dir));
    if (lock) return lock;
    await pause(50);
  }
  throw new KyrageError(`Another dev database server is running on ${dir} (or starting).`);
}

export async function serveDevDatabase(dir: string, migrationsDir: string, port: number): Promise<void> {
  using _lock = await lockServer(dir);
  // A state file a killed server left must not be read as this one's while it starts.
  await Deno.remove(stateFile(dir)).catch(() => {});
  const setup = await openPglite(dataDir(dir));
  try {
    await applyMigrations(setup.db, await readMigrations(migrationsDir), { lockWaitMs: 0, statementLockTimeout: "0" });
  } finally {
    await setup.close();
  }
  const db = await PGlite.create(dataDir(dir), pgliteOptions());
  // Several connections share the one PGlite session: each protocol cycle and transaction runs whole (session.ts).
  const server = new PGLiteSocketServer({ db: sharedSession(db), host: "127.0.0.1", port, maxConnections: 16 });
  await server.start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await Deno.writeTextFile(stateFile(dir), JSON.stringify({ pid: Deno.pid, port, url }));
  const { promise, resolve } = Promise.withResolvers<void>();
  Deno.addSignalListener("SIGTERM", () => resolve());
  Deno.addSignalListener("SIGINT", () => resolve());
  await promise;
  await server.stop();
  await db.close();
  await Deno.remove(stateFile(dir)).catch(() => {});
}

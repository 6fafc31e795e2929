/**
 * A running `kyrage dev start` server as the dev database of `--dev`
 * commands: pending migrations are applied to it first, and its data stays.
 */
import type { Database } from "../dialect/types.ts";
import { applyMigrations } from "../migrations/runner.ts";
import type { StoredMigration } from "../migrations/store.ts";
import { devServerDir, runningServer } from "./state.ts";

export async function openRunningDevServer(
  configDir: string,
  files: readonly StoredMigration[],
): Promise<Database | undefined> {
  const running = await runningServer(devServerDir(configDir));
  if (!running) return undefined;
  // One connection: the served PGlite is a single session, which concurrent connections would share.
  const { openPostgres } = await import("../dialect/postgres/connect.ts");
  const database = await openPostgres(running.url, "the running `kyrage dev start` server", 1);
  try {
    await applyToDevServer(database, files);
  } catch (error) {
    await database.close();
    throw error;
  }
  return { ...database, label: `the dev database served by \`kyrage dev start\` (${running.url})`, persistent: true };
}

/** Apply what a running dev server lacks of `files`; its data stays. */
export async function applyToDevServer(database: Database, files: readonly StoredMigration[]): Promise<void> {
  await applyMigrations(database.db, files, { lockWaitMs: 10_000, statementLockTimeout: "0" });
}

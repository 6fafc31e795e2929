/**
 * A running `kyrage dev start` server as the dev database of `--dev`
 * commands: pending migrations are applied to it first, and its data stays.
 */
import type { Database } from "../dialect/types.ts";
import { applyMigrations } from "../migrations/runner.ts";
import { inspectHistory, readHistory } from "../migrations/history.ts";
import { KyrageError } from "../errors.ts";
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
  const opened = await openPostgres(running.url, "the running `kyrage dev start` server", { maxConnections: 1 });
  const database = { ...opened, label: `the dev database served by \`kyrage dev start\` (${running.url})` };
  try {
    await applyToDevServer(database, files);
  } catch (error) {
    await database.close();
    throw error;
  }
  return { ...database, persistent: true };
}

/**
 * Apply what a running dev server lacks of `files`; its data stays. One
 * whose applied files changed or are gone (squashed, edited) no longer
 * matches them: only a rebuild helps, which the user decides (its data goes).
 */
export async function applyToDevServer(database: Database, files: readonly StoredMigration[]): Promise<void> {
  const { tampered } = inspectHistory(files, await readHistory(database.db));
  if (tampered.length > 0) {
    throw new KyrageError(
      `${database.label} has migrations applied whose files changed or are gone (${
        tampered.map((t) => t.id).join(", ")
      }: squashed, edited or removed), so it no longer matches the migrations directory. Rebuild it from the ` +
        "files with `kyrage dev clean` then `kyrage dev start` (its data is lost). Nothing was changed.",
    );
  }
  await applyMigrations(database.db, files, { lockWaitMs: 10_000, statementLockTimeout: "0" });
}

/**
 * The dev database: a fresh in-memory PGlite with migration files replayed
 * on it. Plans against it need no server and never touch the target; a clean
 * replay also proves the history applies from empty.
 */
import type { Database } from "../dialect/database.ts";
import { KyrageError, messageOf } from "../errors.ts";
import { applyMigrations } from "./runner.ts";
import type { StoredMigration } from "./store.ts";

export async function openDevDatabase(files: readonly StoredMigration[]): Promise<Database> {
  // Imported here: commands against a server never load PGlite's WASM.
  const { openFreshPglite } = await import("../dialect/pglite/connect.ts");
  const database = await openFreshPglite();
  try {
    await applyMigrations(database.db, files, { lockWaitMs: 0, statementLockTimeout: "0" });
  } catch (error) {
    await database.close();
    throw new KyrageError(
      `Replaying the migration history on a fresh dev database failed, so it does not apply cleanly from empty: ${
        messageOf(error)
      }`,
      { cause: error },
    );
  }
  return { ...database, label: `the dev database (${files.length} migration(s) replayed)` };
}

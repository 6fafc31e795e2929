/**
 * The dev database: a fresh in-memory PGlite with migration files replayed
 * on it. Plans against it need no server and never touch the target; a clean
 * replay also proves the history applies from empty.
 */
import type { DevServer } from "../config/load.ts";
import type { Database } from "../dialect/database.ts";
import { KyrageError, messageOf } from "../errors.ts";
import { applyMigrations } from "./runner.ts";
import type { StoredMigration } from "./store.ts";

/** `extensions`: those the config declares, whose PGlite bundles plans on the dev database need too. */
export async function openDevDatabase(
  files: readonly StoredMigration[],
  server?: DevServer,
  extensions: readonly string[] = [],
): Promise<Database> {
  const created = files.flatMap((f) =>
    f.file.operations.flatMap((op) =>
      op.kind === "create_object" && op.object.kind === "extension" ? [op.object.name] : []
    )
  );
  const database = server ? await openServerScratch(server) : await openMemory([...created, ...extensions]);
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
  const where = server ? ` on ${database.label}` : "";
  return { ...database, label: `the dev database (${files.length} migration(s) replayed${where})` };
}

async function openMemory(extensions: readonly string[]): Promise<Database> {
  // Imported here: commands against a server never load PGlite's WASM.
  const { openFreshPglite } = await import("../dialect/pglite/connect.ts");
  return await openFreshPglite(extensions);
}

async function openServerScratch(server: DevServer): Promise<Database> {
  const { openScratchDatabase } = await import("../dev_server/scratch.ts");
  return await openScratchDatabase(server);
}

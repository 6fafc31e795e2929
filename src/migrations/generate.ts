/** Generate: plan against a database and store the result as a migration file. */
import type { LoadedConfig } from "../config/load.ts";
import type { Database } from "../dialect/database.ts";
import { type DestructiveChange, destructiveChanges } from "../diff/destructive.ts";
import type { Operation } from "../diff/operations.ts";
import { KyrageError } from "../errors.ts";
import { planChanges } from "../plan.ts";
import { FORMAT_VERSION } from "./file.ts";
import { migrationState, readHistory } from "./runner.ts";
import { nextMigrationId, readMigrations, writeMigration } from "./store.ts";

export interface GenerateOptions {
  readonly ignorePending?: boolean;
  readonly allowDestructive?: boolean;
}

export interface GenerateResult {
  readonly operations: readonly Operation[];
  readonly destructive: readonly DestructiveChange[];
  /** The file written; undefined when there was nothing to change. */
  readonly path?: string;
}

export async function generateMigration(
  database: Database,
  config: LoadedConfig,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const files = await readMigrations(config.migrationsDir);
  const { pending } = migrationState(files, await readHistory(database.db));
  if (pending.length > 0 && !options.ignorePending) {
    throw new KyrageError(
      `${pending.length} migration(s) in ${config.migrationsDir} not applied to ${database.label} yet ` +
        `(${pending.map((m) => m.id).join(", ")}). Run \`kyrage apply\` first, or pass --ignore-pending.`,
    );
  }
  const operations = await planChanges(database, config.desired);
  const destructive = destructiveChanges(operations);
  if (operations.length === 0) return { operations, destructive };
  if (destructive.length > 0 && !options.allowDestructive) {
    throw new KyrageError(
      `The changes are destructive and would lose: ${destructive.map((d) => d.loses).join("; ")}. ` +
        "No migration written; rerun with --allow-destructive if that is intended.",
    );
  }
  const path = await writeMigration(config.migrationsDir, {
    format: FORMAT_VERSION,
    id: nextMigrationId(files),
    createdAt: new Date().toISOString(),
    allowDestructive: destructive.length > 0,
    operations,
  });
  return { operations, destructive, path };
}

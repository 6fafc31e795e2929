/** Generate: plan against a database and store the result as a migration file. */
import type { LoadedConfig } from "../config/load.ts";
import type { Database } from "../dialect/database.ts";
import { type DestructiveChange, destructiveChanges } from "../diff/destructive.ts";
import { describePossibleRename, possibleRenames } from "../diff/hints.ts";
import type { Operation } from "../diff/operations.ts";
import { KyrageError } from "../errors.ts";
import { planChanges } from "../plan.ts";
import { planBlockers } from "../blockers.ts";
import { runsOutsideTransaction } from "../dialect/postgres/compile.ts";
import { FORMAT_VERSION } from "./file.ts";
import { openDevDatabase } from "./dev.ts";
import { migrationState, readHistory } from "./history.ts";
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
  await refuseBlockers(database, operations, config.desired.schemas);
  return { ...await store(config, operations, files, options), operations };
}

/** A migration that can only fail is not written (see blockers.ts). */
async function refuseBlockers(
  database: Database,
  operations: readonly Operation[],
  schemas: readonly string[],
): Promise<void> {
  const blockers = await planBlockers(database, operations, schemas);
  if (blockers.length === 0) return;
  throw new KyrageError(
    `The migration would fail on ${database.label}: ${blockers.map((b) => `${b.object} ${b.reason}`).join("; ")}. ` +
      "No migration written.",
  );
}

/** Gate destructive changes, then write the operations as the newest migration. */
async function store(
  config: LoadedConfig,
  operations: readonly Operation[],
  files: readonly { id: string }[],
  options: GenerateOptions,
): Promise<{ destructive: readonly DestructiveChange[]; path?: string }> {
  const destructive = destructiveChanges(operations);
  if (operations.length === 0) return { destructive };
  if (destructive.length > 0 && !options.allowDestructive) {
    const renames = possibleRenames(operations).map((r) => ` Possible rename: ${describePossibleRename(r)}.`);
    throw new KyrageError(
      `The changes are destructive and would lose: ${destructive.map((d) => d.loses).join("; ")}. ` +
        `No migration written; rerun with --allow-destructive if that is intended.${renames.join("")}`,
    );
  }
  let path = "";
  const written: { id: string }[] = [...files];
  for (const group of migrationBoundaries(operations)) {
    const id = nextMigrationId(written);
    written.push({ id });
    path = await writeMigration(config.migrationsDir, {
      format: FORMAT_VERSION,
      id,
      createdAt: new Date().toISOString(),
      allowDestructive: destructiveChanges(group).length > 0,
      operations: group,
    });
  }
  return { destructive, path };
}

/**
 * Where one change must be split into several migrations, in order:
 * - new enum labels first, committed on their own: PostgreSQL refuses to use
 *   a label added in the same transaction (a default or row using it);
 * - then everything that runs in one transaction;
 * - then each CREATE INDEX CONCURRENTLY alone, since it runs outside one.
 */
export function migrationBoundaries(operations: readonly Operation[]): Operation[][] {
  const labels = operations.filter((op) => op.kind === "add_enum_value");
  const concurrent = operations.filter(runsOutsideTransaction);
  const rest = operations.filter((op) => op.kind !== "add_enum_value" && !runsOutsideTransaction(op));
  return [...[labels, rest].filter((group) => group.length > 0), ...concurrent.map((op) => [op])];
}

export interface SquashResult extends GenerateResult {
  /** The pending files replaced by the new one. */
  readonly removed: readonly string[];
}

/**
 * Replace every pending migration (not applied on `target`) with one file
 * planned against the dev database state of the applied ones. The new file
 * is written before the old ones are removed, so a failure leaves the old
 * files in place; applied files are never touched.
 */
export async function squashPending(
  target: Database,
  config: LoadedConfig,
  options: GenerateOptions = {},
): Promise<SquashResult> {
  const files = await readMigrations(config.migrationsDir);
  const { pending } = migrationState(files, await readHistory(target.db));
  const pendingIds = new Set(pending.map((m) => m.id));
  const dev = await openDevDatabase(files.filter((f) => !pendingIds.has(f.id)));
  let operations: Operation[];
  try {
    operations = await planChanges(dev, config.desired);
  } finally {
    await dev.close();
  }
  const written = await store(config, operations, files, options);
  for (const m of pending) await Deno.remove(m.path);
  return { ...written, operations, removed: pending.map((m) => m.path) };
}

/**
 * `check`: replay the whole history on a fresh dev database and compare the
 * result with the config. Returns the operations a new migration would need
 * (empty when history and config agree).
 */
export async function checkHistory(config: LoadedConfig): Promise<Operation[]> {
  const dev = await openDevDatabase(await readMigrations(config.migrationsDir));
  try {
    return await planChanges(dev, config.desired);
  } finally {
    await dev.close();
  }
}

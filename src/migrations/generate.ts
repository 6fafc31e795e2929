/** Generate: plan against a database and store the result as a migration file. */
import type { LoadedConfig } from "../config/load.ts";
import type { Kysely } from "kysely";
import type { Database } from "../dialect/database.ts";
import { type DestructiveChange, destructiveChanges } from "../diff/destructive.ts";
import { describePossibleRename, possibleRenames } from "../diff/hints.ts";
import { describeOperation } from "../diff/describe.ts";
import { defaultPartitions, heldLock, type Lock, LOCKS, type OperationHazards, planHazards } from "../diff/hazards.ts";
import type { Operation } from "../diff/operations.ts";
import type { SchemaModel } from "../model/schema_model.ts";
import { KyrageError } from "../errors.ts";
import { planChanges } from "../plan.ts";
import { planBlockers } from "../blockers.ts";
import { APPLY_WAIT_MS, underApplyLock } from "./apply_lock.ts";
import { migrationBoundaries } from "./boundaries.ts";
import { FORMAT_VERSION } from "./file.ts";
import { openDevDatabase } from "./dev.ts";
import { migrationState, readHistory } from "./history.ts";
import { nextMigrationId, readMigrations, type StoredMigration, writeMigration } from "./store.ts";
import { extensionNames } from "../model/objects/extension.ts";

export interface GenerateOptions {
  readonly ignorePending?: boolean;
  readonly allowDestructive?: boolean;
  /** Refuse a plan whose statements hold a stronger lock than this while they scan, rewrite or build. */
  readonly maxLock?: MaxLock;
}

export interface GenerateResult {
  readonly operations: readonly Operation[];
  readonly destructive: readonly DestructiveChange[];
  /** The files written, in order; none when there was nothing to change. */
  readonly paths: readonly string[];
  /**
   * With --ignore-pending: the pending migrations whose operations the new
   * file repeats (planned against a database that does not have them yet).
   */
  readonly repeats?: readonly string[];
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
  const operations = await planChanges(database, config.desired, { online: config.online });
  await refuseBlockers(database, operations, config.desired);
  refuseLocks(operations, options.maxLock, defaultPartitions(config.desired.tables));
  const same = new Set(operations.map((op) => JSON.stringify(op)));
  const repeats = pending.filter((m) => m.file.operations.some((op) => same.has(JSON.stringify(op)))).map((m) => m.id);
  return {
    ...await store(config, operations, files, options),
    operations,
    ...(repeats.length > 0 ? { repeats } : {}),
  };
}

/** A migration that can only fail is not written (see blockers.ts). */
async function refuseBlockers(
  database: Database,
  operations: readonly Operation[],
  desired: SchemaModel,
): Promise<void> {
  const blockers = await planBlockers(database, operations, desired);
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
): Promise<{ destructive: readonly DestructiveChange[]; paths: string[] }> {
  const destructive = destructiveChanges(operations);
  if (operations.length === 0) return { destructive, paths: [] };
  if (destructive.length > 0 && !options.allowDestructive) {
    const renames = possibleRenames(operations).map((r) => ` Possible rename: ${describePossibleRename(r)}.`);
    throw new KyrageError(
      `The changes are destructive and would lose: ${destructive.map((d) => d.loses).join("; ")}. ` +
        `No migration written; rerun with --allow-destructive if that is intended.${renames.join("")}`,
    );
  }
  const paths: string[] = [];
  const written: { id: string }[] = [...files];
  for (const group of migrationBoundaries(operations)) {
    const id = nextMigrationId(written);
    written.push({ id });
    paths.push(
      await writeMigration(config.migrationsDir, {
        format: FORMAT_VERSION,
        id,
        createdAt: new Date().toISOString(),
        allowDestructive: destructiveChanges(group).length > 0,
        operations: group,
      }),
    );
  }
  return { destructive, paths };
}

export interface SquashResult extends GenerateResult {
  /** The pending files replaced by the new one. */
  readonly removed: readonly string[];
}

export interface SquashOptions extends GenerateOptions {
  /** Told once when a running apply holds the target and squash waits for it. */
  readonly onWaiting?: (message: string) => void;
}

/**
 * Replace every pending migration (not applied on `target`) with one file
 * planned against the dev database state of the applied ones. The new file
 * is written before the old ones are removed, so a failure leaves the old
 * files in place; applied files are never touched: on a server, apply's lock
 * is held from reading the history to the last file removed, so no apply
 * runs a file squash is replacing.
 */
export async function squashPending(
  target: Database,
  config: LoadedConfig,
  options: SquashOptions = {},
): Promise<SquashResult> {
  // An embedded target stays open in this process alone (its data-directory lock) until the command ends.
  if (target.dialect !== "postgres") return await squash(target, target.db, config, options);
  return await underApplyLock(target, {
    onWaiting: () =>
      options.onWaiting?.(
        `Waiting for the kyrage apply running on ${target.label} to finish (up to ${APPLY_WAIT_MS / 1000} s), ` +
          "to squash only the migrations it leaves pending...",
      ),
    gaveUp: () =>
      new KyrageError(
        `${target.label} stayed in use by a kyrage apply for over ${APPLY_WAIT_MS / 1000} s, so generate --squash ` +
          `cannot tell which migrations in ${config.migrationsDir} will still be pending; nothing was changed. ` +
          "Run it again once that apply is done.",
      ),
  }, (conn) => squash(target, conn, config, options));
}

/** The squash itself; `history` is the connection holding apply's lock, when there is one. */
async function squash(
  target: Database,
  // deno-lint-ignore no-explicit-any
  history: Kysely<any>,
  config: LoadedConfig,
  options: GenerateOptions,
): Promise<SquashResult> {
  const files = await readMigrations(config.migrationsDir);
  const { pending } = migrationState(files, await readHistory(history));
  refuseSquashingSteps(pending);
  const pendingIds = new Set(pending.map((m) => m.id));
  const extensions = extensionNames(config.desired.objects);
  const dev = await openDevDatabase(files.filter((f) => !pendingIds.has(f.id)), config.dev, extensions);
  let operations: Operation[];
  try {
    operations = await planChanges(dev, config.desired, { online: config.online });
  } finally {
    await dev.close();
  }
  await refuseBlockers(target, operations, config.desired);
  refuseLocks(operations, options.maxLock, defaultPartitions(config.desired.tables));
  const written = await store(config, operations, files, options);
  for (const m of pending) await Deno.remove(m.path);
  return { ...written, operations, removed: pending.map((m) => m.path) };
}

/** A plan has no place for a hand-written step (a backfill): squashing would drop it. */
function refuseSquashingSteps(pending: readonly StoredMigration[]): void {
  const holding = pending.filter((m) => m.file.operations.some((op) => op.kind === "sql")).map((m) => m.path);
  if (holding.length === 0) return;
  throw new KyrageError(
    `generate --squash would drop the hand-written SQL step in ${holding.join(", ")}: a squashed plan has no place ` +
      "for it. Apply the pending migrations first, or remove the step if it is no longer needed. Nothing was changed.",
  );
}

/**
 * `check`: replay the whole history on a fresh dev database and compare the
 * result with the config. Returns the operations a new migration would need
 * (empty when history and config agree).
 */
export async function checkHistory(config: LoadedConfig): Promise<Operation[]> {
  const files = await readMigrations(config.migrationsDir);
  const dev = await openDevDatabase(files, config.dev, extensionNames(config.desired.objects));
  try {
    return await planChanges(dev, config.desired);
  } finally {
    await dev.close();
  }
}

/** `--max-lock`: how strong a lock a statement may hold while it scans, rewrites or builds. */
export type MaxLock = "access-exclusive" | "share" | "none";

/** The strongest lock each level allows during costly work: none blocks no writes, share blocks no reads. */
const ALLOWED: Record<MaxLock, Lock> = {
  "access-exclusive": "ACCESS EXCLUSIVE",
  share: "SHARE",
  none: "SHARE UPDATE EXCLUSIVE",
};

/** What a statement does under its locks, on its table and the others it locks. */
const workOf = (h: OperationHazards) => [...new Set([h.hazards, ...(h.others ?? []).map((o) => o.hazards)].flat())];

function refuseLocks(
  operations: readonly Operation[],
  maxLock: MaxLock | undefined,
  defaults: ReadonlyMap<string, string>,
): void {
  if (maxLock === undefined) return;
  const limit = LOCKS.indexOf(ALLOWED[maxLock]);
  // In the order the migrations run them: a key's hazards depend on what ran before it.
  const ordered = migrationBoundaries(operations).flat();
  const hazards = planHazards(ordered, defaults);
  const over = ordered.flatMap((op, i) => {
    const h = hazards[i];
    const held = heldLock(h);
    return LOCKS.indexOf(held) > limit
      ? [`${describeOperation(op)} (holds ${held} while it ${workOf(h).join(", ")})`]
      : [];
  });
  if (over.length === 0) return;
  throw new KyrageError(
    `The plan holds stronger locks than --max-lock ${maxLock} allows while it works: ${over.join("; ")}. ` +
      "No migration written. Plan it online (the default; not --no-online), change it in smaller steps, or raise " +
      "--max-lock for a maintenance window.",
  );
}

/** A new, newest migration holding one empty hand-written SQL step, for the user to fill in. */
export async function writeSqlStep(migrationsDir: string): Promise<string> {
  return await writeMigration(migrationsDir, {
    format: FORMAT_VERSION,
    id: nextMigrationId(await readMigrations(migrationsDir)),
    createdAt: new Date().toISOString(),
    allowDestructive: false,
    operations: [{ kind: "sql", sql: "", transaction: true }],
  });
}

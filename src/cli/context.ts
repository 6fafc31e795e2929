/** What every command starts from: the loaded config and an open database. */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ConfigReads, loadConfig, type LoadedConfig, type ResolvedTarget, resolveTarget } from "../config/load.ts";
import { lockError, lockTimedOut, PLANNING_LOCK_TIMEOUT } from "../blockers.ts";
import { secretsOf } from "../dialect/connection_string.ts";
import { type Database, openDatabase } from "../dialect/database.ts";
import { openDevDatabase } from "../migrations/dev.ts";
import { readMigrations, type StoredMigration } from "../migrations/store.ts";
import type { Output } from "./output.ts";
import { extensionNames } from "../model/objects/extension.ts";

export interface CommonOptions {
  config: string;
  databaseUrl?: string;
  /** Plan against the dev database (history replayed on in-memory PGlite), not the target. */
  dev?: boolean;
  /** `--no-online`: plain DDL whatever the config says. */
  online?: boolean;
}

export interface Project {
  readonly config: LoadedConfig;
  readonly database: Database;
}

/**
 * Where the user ran kyrage: `deno task kyrage` runs in the checkout, and INIT_CWD is where the user was.
 * Anywhere else INIT_CWD is some npm or deno task's starting point (a script may `cd db && kyrage apply`).
 */
export function userDirectory(): string {
  const inCheckout = resolve(Deno.cwd()) === resolve(fileURLToPath(new URL("../../", import.meta.url)));
  return (inCheckout ? Deno.env.get("INIT_CWD") : undefined) ?? Deno.cwd();
}

/** The config path as the user meant it, relative to where they ran kyrage. */
export function configPathOf(options: { config: string }): string {
  return resolve(userDirectory(), options.config);
}

/** Every password the run may meet before the config loads, so no output line can show one. */
export function registerSecrets(out: Output, options: { databaseUrl?: string }): void {
  out.addSecrets(secretsOf(options.databaseUrl ?? ""));
  out.addSecrets(secretsOf(Deno.env.get("DATABASE_URL") ?? ""));
}

/** The config's own passwords, its database's and its dev server's, so no output line can show one either. */
export function registerConfigSecrets(out: Output, config: LoadedConfig): void {
  if (config.database?.dialect === "postgres") out.addSecrets(secretsOf(config.database.connectionString ?? ""));
  out.addSecrets(secretsOf(config.dev?.connectionString ?? ""));
}

/** `resolveTarget`, once the config's own passwords are registered too (its errors must not show them either). */
export function targetOf(config: LoadedConfig, options: { databaseUrl?: string }, out: Output): ResolvedTarget {
  registerConfigSecrets(out, config);
  const resolved = resolveTarget(config, options.databaseUrl);
  if (resolved.notice) out.error(resolved.notice);
  return resolved;
}

/** What a command reads of the config, and how long it waits for an embedded database in use (apply). */
export interface ProjectNeeds {
  readonly reads?: ConfigReads;
  readonly embeddedWaitMs?: number;
  /**
   * The command only reads the target (plan, status, generate): no statement waits for a lock another session
   * holds longer than PLANNING_LOCK_TIMEOUT, and the error names that session. apply has its own timeouts.
   */
  readonly planning?: boolean;
}

/** Load the config, open its target (or the dev) database, and run `body`; always closes. */
export async function withProject<T>(
  options: CommonOptions,
  out: Output,
  body: (project: Project) => Promise<T>,
  needs: ProjectNeeds = {},
): Promise<T> {
  registerSecrets(out, options);
  const loaded = await loadConfig(configPathOf(options), needs.reads);
  registerConfigSecrets(out, loaded);
  const config = options.online === false ? { ...loaded, online: false } : loaded;
  const database = options.dev ? await openDev(config) : await openTarget(config, options, out, needs);
  try {
    return await body({ config, database });
  } catch (error) {
    if (!needs.planning || !lockTimedOut(error)) throw error;
    // A catalog read (a column default, a table's size) waited on a lock taken on a managed table.
    throw await lockError(database, { schemas: config.desired.schemas }, error);
  } finally {
    await database.close();
  }
}

async function openDev(config: LoadedConfig): Promise<Database> {
  return await openDevFor(config, await readMigrations(config.migrationsDir));
}

/**
 * A running `kyrage dev start` server, else a fresh replay (in memory, or on
 * dev.connectionString's server), with `files` applied: what `--dev`
 * commands and `watch --dev` plan against.
 */
export async function openDevFor(config: LoadedConfig, files: readonly StoredMigration[]): Promise<Database> {
  const { openRunningDevServer } = await import("../dev_server/use.ts");
  return await openRunningDevServer(config.dir, files) ??
    await openDevDatabase(files, config.dev, extensionNames(config.desired.objects));
}

function openTarget(config: LoadedConfig, options: CommonOptions, out: Output, needs: ProjectNeeds): Promise<Database> {
  const { target, source } = targetOf(config, options, out);
  if (source === "default" && target.dialect === "pglite") {
    out.error(`Using the embedded PGlite database in ${target.dataDir} (no database configured).`);
  }
  const waitMs = needs.embeddedWaitMs;
  return openDatabase(target, {
    onCreate: (dataDir) => out.error(`Creating the embedded database in ${dataDir}.`),
    ...(waitMs !== undefined ? { wait: { ms: waitMs, onWaiting: (message: string) => out.error(message) } } : {}),
    ...(needs.planning ? { lockTimeout: PLANNING_LOCK_TIMEOUT } : {}),
  });
}

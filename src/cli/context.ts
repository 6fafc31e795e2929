/** What every command starts from: the loaded config and an open database. */
import { resolve } from "node:path";
import { loadConfig, type LoadedConfig, resolveTarget } from "../config/load.ts";
import { type Database, openDatabase, passwordOf } from "../dialect/database.ts";
import { openDevDatabase } from "../migrations/dev.ts";
import { readMigrations } from "../migrations/store.ts";
import type { Output } from "./output.ts";

export interface CommonOptions {
  config: string;
  databaseUrl?: string;
  /** Plan against the dev database (history replayed on in-memory PGlite), not the target. */
  dev?: boolean;
}

export interface Project {
  readonly config: LoadedConfig;
  readonly database: Database;
}

/** Load the config, open its target (or the dev) database, and run `body`; always closes. */
export async function withProject<T>(
  options: CommonOptions,
  out: Output,
  body: (project: Project) => Promise<T>,
): Promise<T> {
  out.addSecret(passwordOf(options.databaseUrl ?? ""));
  out.addSecret(passwordOf(Deno.env.get("DATABASE_URL") ?? ""));
  // `deno task kyrage` runs in the checkout; INIT_CWD is where the user was.
  const config = await loadConfig(resolve(Deno.env.get("INIT_CWD") ?? Deno.cwd(), options.config));
  const database = options.dev
    ? await openDevDatabase(await readMigrations(config.migrationsDir))
    : await openTarget(config, options, out);
  try {
    return await body({ config, database });
  } finally {
    await database.close();
  }
}

function openTarget(config: LoadedConfig, options: CommonOptions, out: Output): Promise<Database> {
  const { target, source } = resolveTarget(config, options.databaseUrl);
  if (target.dialect === "postgres") out.addSecret(passwordOf(target.connectionString));
  if (source === "default" && target.dialect === "pglite") {
    out.error(`Using the embedded PGlite database in ${target.dataDir} (no database configured).`);
  }
  return openDatabase(target);
}

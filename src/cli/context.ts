/** What every command starts from: the loaded config and an open database. */
import { resolve } from "node:path";
import { loadConfig, type LoadedConfig, resolveTarget } from "../config/load.ts";
import { type Database, openDatabase, passwordOf } from "../dialect/database.ts";
import type { Output } from "./output.ts";

export interface CommonOptions {
  config: string;
  databaseUrl?: string;
}

export interface Project {
  readonly config: LoadedConfig;
  readonly database: Database;
}

/** Load the config, open its target database, and run `body`; always closes. */
export async function withProject<T>(
  options: CommonOptions,
  out: Output,
  body: (project: Project) => Promise<T>,
): Promise<T> {
  out.addSecret(passwordOf(options.databaseUrl ?? ""));
  out.addSecret(passwordOf(Deno.env.get("DATABASE_URL") ?? ""));
  // `deno task kyrage` runs in the checkout; INIT_CWD is where the user was.
  const config = await loadConfig(resolve(Deno.env.get("INIT_CWD") ?? Deno.cwd(), options.config));
  const { target, source } = resolveTarget(config, options.databaseUrl);
  if (target.dialect === "postgres") out.addSecret(passwordOf(target.connectionString));
  if (source === "default") {
    out.error(
      `Using the embedded PGlite database in ${
        target.dialect === "pglite" ? target.dataDir : ""
      } (no database configured).`,
    );
  }
  const database = await openDatabase(target);
  try {
    return await body({ config, database });
  } finally {
    await database.close();
  }
}

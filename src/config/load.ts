/**
 * Load `kyrage.config.ts`: import it by real absolute path, validate its
 * default export with zod, build the desired model, and resolve where the
 * migrations and the database are. Every failure names the file.
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { KyrageError, messageOf } from "../errors.ts";
import { ConfigIssue, desiredModel } from "../model/from_config.ts";
import type { SchemaModel } from "../model/schema_model.ts";
import type { DatabaseTarget } from "../dialect/database.ts";
import { parseConnectionString } from "../dialect/connection_string.ts";
import { MEMORY_DIR } from "../dialect/pglite/paths.ts";
import { DEFAULT_PGLITE_DIR } from "./defaults.ts";
import { describeIssue, refuseUpstreamOnly, withTable } from "./issues.ts";
import { upstreamConfigBeside } from "./upstream_config_names.ts";
import { envAccessProblem } from "./upstream_env_access.ts";
import { sectionProblem, sectionsOf, selectEnvironment } from "./environment.ts";
import type { z } from "zod";
import { configSchema, settingsSchema, type ValidConfig } from "./schema.ts";
import { extensionNames } from "../model/objects/extension.ts";

export interface LoadedConfig {
  readonly path: string;
  readonly migrationsDir: string;
  readonly desired: SchemaModel;
  /** The configured database; undefined means the embedded default. */
  readonly database: ValidConfig["database"];
  /** Plan online DDL for existing tables (config `online`, default true). */
  readonly online: boolean;
  readonly dir: string;
  /** `dev.connectionString`: a PostgreSQL server on which the dev database is a scratch database. */
  readonly dev?: DevServer;
  /** The environment section merged in (KYRAGE_ENV, else NODE_ENV). */
  readonly environment?: string;
}

export interface DevServer {
  readonly connectionString: string;
  /** Where it came from, for messages. */
  readonly origin: string;
}

/** Import and validate a config file. */
export async function loadConfig(path: string, reads: ConfigReads = "model"): Promise<LoadedConfig> {
  const absolute = resolve(path);
  let module: { default?: unknown };
  await requireConfigFile(absolute);
  try {
    module = await import(pathToFileURL(await Deno.realPath(absolute)).href);
  } catch (error) {
    throw new KyrageError(`Cannot load config ${absolute}: ${describeLoadError(error)}`, { cause: error });
  }
  return validateConfig(module.default, absolute, reads);
}

/** Every command, watch included, refuses a config path that names no file. */
export async function requireConfigFile(absolute: string): Promise<void> {
  try {
    await Deno.stat(absolute);
  } catch {
    const upstream = await upstreamConfigBeside(absolute);
    throw new KyrageError(
      upstream
        ? `Config file not found: ${absolute}. ${upstream} is beside it (a name @izumisy/kyrage reads, and kyrage ` +
          `only when told): run with --config ${upstream}, or rename it to kyrage.config.ts.`
        : `Config file not found: ${absolute}. Create one, or point to it with --config <path>.`,
    );
  }
}

/**
 * An error raised while importing the config: its message, and where in the
 * user's files it was thrown (a syntax error's message already says where).
 */
export function describeLoadError(error: unknown): string {
  // Deno colours a module-not-found location even when output is a file or a pipe.
  // deno-lint-ignore no-control-regex
  const message = withoutSourceExcerpt(messageOf(error).replace(/\x1b\[[0-9;]*m/g, ""));
  const upstream = leftoverUpstreamImport(message) ?? envAccessProblem(message);
  if (upstream) return upstream;
  const stack = error instanceof Error ? error.stack ?? "" : "";
  // The user's files: neither kyrage's own modules nor a package in Deno's cache.
  const own = new URL("../", import.meta.url).href;
  const isUsers = (url: string) => !url.startsWith(own) && !/\/(npm|remote)\/|registry\.npmjs\.org/.test(url);
  const frame = stack.split("\n").slice(1).map((line) => /(file:\/\/[^\s()]+:\d+:\d+)/.exec(line)?.[1])
    .find((url) => url !== undefined && isUsers(url));
  if (!frame || message.includes(frame)) return message;
  return `${message} (thrown at ${decodeURIComponent(frame.replace(/^file:\/\//, ""))})`;
}

/**
 * A file still importing @izumisy/kyrage: Deno's hint would install
 * upstream's package, when the import should name kyrage's.
 */
function leftoverUpstreamImport(message: string): string | undefined {
  // deno-lint-ignore no-control-regex
  const plain = `${message.replace(/\x1b\[[0-9;]*m/g, "")}\n`;
  const match = /Import "(@izumisy\/kyrage[^"]*)" not a dependency[^\n]*?(?: from "([^"]+)")?\n/.exec(plain);
  if (!match) return undefined;
  const at = /at (file:\/\/\S+:\d+:\d+)/.exec(plain)?.[1] ?? match[2];
  const where = at ? decodeURIComponent(at.replace(/^file:\/\//, "")) : "a file the config imports";
  return `${where} imports "${match[1]}", the package of @izumisy/kyrage: change the import to \`from "kyrage"\`, ` +
    "which provides the same defineConfig, defineTable and column.";
}

/**
 * A syntax error's message quotes the offending source line, which may be
 * the one holding the connection string and its password: it is printed
 * without it (the message still says file, line and column). The config's
 * secrets are known only once it has loaded.
 */
export function withoutSourceExcerpt(message: string): string {
  return message.split("\n").filter((line) => !/^\s*(\d+\s*)?\|/.test(line)).join("\n");
}

/**
 * What a command reads of the config: the desired model (checked whole now),
 * or only the settings (`apply`: the database and the migrations; the
 * definitions are checked if the model is ever read).
 */
export type ConfigReads = "model" | "settings";

/** Validate an already-imported default export (also used by watch workers). */
export function validateConfig(value: unknown, path: string, reads: ConfigReads = "model"): LoadedConfig {
  if (value === undefined) {
    throw new KyrageError(
      `Config ${path} has no default export; end it with \`export default defineConfig({ ... })\`.`,
    );
  }
  // Before the schema, whose message for these would be a bare "invalid value".
  refuseUpstreamOnly(value, path);
  for (const section of sectionsOf(value)) refuseUpstreamOnly(section.value, path, section.label);
  checkSections(value, path);
  const { config: selected, environment } = selectEnvironment(value);
  const parse = <T>(schema: { safeParse(value: unknown): z.ZodSafeParseResult<T> }): T => {
    const result = schema.safeParse(selected);
    if (result.success) return result.data;
    throw new KyrageError(`Invalid config ${path}: ${describeIssue(selected, result.error.issues[0])}`);
  };
  const config = reads === "model" ? parse(configSchema) : parse(settingsSchema);
  const build = (): SchemaModel => {
    try {
      return desiredModel(reads === "model" ? config as ValidConfig : parse(configSchema));
    } catch (error) {
      if (error instanceof ConfigIssue) {
        throw new KyrageError(`Invalid config ${path}: ${withTable(selected, error.path)}: ${error.message}`);
      }
      throw error;
    }
  };
  let desired = reads === "model" ? build() : undefined;
  const dir = dirname(path);
  const devUrl = config.dev?.connectionString;
  return {
    path,
    dir,
    migrationsDir: resolveFrom(dir, config.migrationsDir ?? "migrations"),
    get desired() {
      return desired ??= build();
    },
    database: config.database,
    online: config.online ?? true,
    ...(devUrl ? { dev: { connectionString: devUrl, origin: `dev.connectionString in ${path}` } } : {}),
    ...(environment ? { environment } : {}),
  };
}

/** Every section, selected or not, so a typo in one fails now and not on the day it is deployed. */
function checkSections(value: unknown, path: string): void {
  const problem = sectionProblem(value);
  if (problem) throw new KyrageError(`Invalid config ${path}: ${problem}.`);
  for (const section of sectionsOf(value)) {
    // A section holds only some keys (they merge over the rest): only unknown ones are its own errors.
    const result = configSchema.partial().safeParse(section.value);
    const unknown = result.error?.issues.find((issue) => issue.code === "unrecognized_keys");
    if (unknown) {
      throw new KyrageError(`Invalid config ${path}: ${describeIssue(section.value, unknown, section.label)}`);
    }
    // Its values, as they will be when it is selected: merged over the rest (the keys it sets only).
    const names = Object.keys(section.value as object);
    const keys = Object.fromEntries(names.map((key) => [key, true])) as {
      [K in keyof typeof configSchema.shape]?: true;
    };
    const all = selectEnvironment(value, section.name).config as Record<string, unknown>;
    const merged = Object.fromEntries(names.map((key) => [key, all[key]]));
    const checked = configSchema.pick(keys).safeParse(merged);
    if (!checked.success) {
      throw new KyrageError(
        `Invalid config ${path}: ${describeIssue(merged, checked.error.issues[0])} (with ${section.label} selected)`,
      );
    }
  }
}

function resolveFrom(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}

export interface ResolvedTarget {
  readonly target: DatabaseTarget;
  /** Where the target came from, for messages: "--database-url", "DATABASE_URL", ... */
  readonly source: string;
  /** Said on stderr: DATABASE_URL replaced the database the config names (a config of @izumisy/kyrage never lost). */
  readonly notice?: string;
}

/**
 * Which database to use: `--database-url` wins, then `DATABASE_URL`, then the
 * config's `database`; with none of them, the embedded PGlite default.
 */
export function resolveTarget(config: LoadedConfig, databaseUrl: string | undefined): ResolvedTarget {
  const postgres = (connectionString: string, source: "--database-url" | "DATABASE_URL" | "config") => {
    const origin = source === "config" ? `database.connectionString in ${config.path}` : source;
    return { target: { dialect: "postgres" as const, connectionString, origin }, source };
  };
  if (databaseUrl) return postgres(databaseUrl, "--database-url");
  const fromEnv = Deno.env.get("DATABASE_URL");
  const db = config.database;
  // The environment beats the file: a config is the same in every deploy, its environment is not.
  if (fromEnv) return { ...postgres(fromEnv, "DATABASE_URL"), ...overrideNotice(config, fromEnv) };
  if (db?.dialect === "postgres") {
    if (db.connectionString) return postgres(db.connectionString, "config");
    throw new KyrageError(
      `Config ${config.path} uses the postgres dialect without a connectionString; pass --database-url or set DATABASE_URL.`,
    );
  }
  const dataDir = db?.dataDir ?? DEFAULT_PGLITE_DIR;
  return {
    target: {
      dialect: "pglite",
      dataDir: dataDir === MEMORY_DIR ? dataDir : resolveFrom(config.dir, dataDir),
      extensions: extensionNames(config.desired.objects),
    },
    source: db ? "config" : "default",
  };
}

/** Which database DATABASE_URL is used instead of, if the config names one; labels never hold a password. */
function overrideNotice(config: LoadedConfig, fromEnv: string): { notice?: string } {
  const db = config.database;
  const label = (url: string) => {
    const parsed = parseConnectionString(url);
    return parsed.ok ? parsed.label : "an unreadable connection string";
  };
  const named = db?.dialect === "postgres"
    ? db.connectionString && label(db.connectionString)
    : db && `the embedded PGlite database in ${db.dataDir ?? DEFAULT_PGLITE_DIR}`;
  if (!named) return {};
  const where = config.environment ? `the config (with $${config.environment} selected)` : "the config";
  return {
    notice: `Using DATABASE_URL (${label(fromEnv)}), not the database ${where} names (${named}): DATABASE_URL ` +
      "wins over the config's database. Pass --database-url, or unset DATABASE_URL, to choose.",
  };
}

/** `kyrage pull`: write the live database's schema as DSL TypeScript. */
import { EMPTY_MODEL } from "../model/schema_model.ts";
import { dirname, relative, resolve } from "node:path";
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import { openDatabase } from "../dialect/database.ts";
import { KyrageError } from "../errors.ts";
import { checkBaseline, pullDatabase, type Pulled, requireSchemas, writeBaseline } from "../pull/pull.ts";
import { lockMigrationsDir } from "../migrations/lock.ts";
import { lockError, lockTimedOut, PLANNING_LOCK_TIMEOUT } from "../blockers.ts";
import { configPathOf, registerSecrets, targetOf, userDirectory } from "./context.ts";
import type { Output } from "./output.ts";
import { plural } from "./render.ts";
import { ARRAY_KEYS } from "../pull/render.ts";

export interface PullOptions {
  config: string;
  databaseUrl?: string;
  out: string;
  baseline?: boolean;
  force?: boolean;
  schema?: string;
}

export async function pullCommand(options: PullOptions, out: Output): Promise<number> {
  registerSecrets(out, options);
  const cwd = userDirectory();
  const configPath = configPathOf(options);
  const outPath = resolve(cwd, options.out);
  if (!options.force && await exists(outPath)) {
    throw new KyrageError(`${outPath} already exists; pass --force to overwrite it, or --out another path.`);
  }
  // The adoption layout has the config import the file pull is about to write.
  const stub = !await exists(outPath);
  if (stub) await Deno.writeTextFile(outPath, STUB);
  let written = false;
  try {
    const config = await configFor(configPath, cwd, options);
    const { target } = targetOf(config, options, out);
    const schemas = options.schema ? options.schema.split(",").map((s) => s.trim()) : config.desired.schemas;
    // Reading a column default locks its table: behind another session's lock, give up rather than wait.
    const database = await openDatabase(target, { lockTimeout: PLANNING_LOCK_TIMEOUT });
    try {
      // Checked before anything is written, as the directory's one writer: a baseline starts a history, it never
      // joins one.
      using _lock = options.baseline ? await lockMigrationsDir(config.migrationsDir, "pull --baseline") : undefined;
      if (options.baseline) await checkBaseline(database, config.migrationsDir);
      if (options.schema) await requireSchemas(database, schemas);
      const pulled = await pullDatabase(database, schemas);
      await Deno.writeTextFile(outPath, pulled.source);
      written = true;
      report(out, pulled, outPath, database.label, schemas);
      if (options.baseline) {
        const path = await writeBaseline(database, pulled.model, config.migrationsDir);
        out.line(`Wrote baseline migration ${path} and recorded it as applied on ${database.label} (nothing was run).`);
      }
      const from = relative(config.dir, outPath).replaceAll("\\", "/");
      out.line(
        `Next: \`import { ${[...pulled.keys].sort().join(", ")} } from "${
          from.startsWith(".") ? from : `./${from}`
        }"\` ` +
          `in ${config.path} and pass them, \`defineConfig({ ${pulled.keys.join(", ")} })\`; ` +
          "then `kyrage plan` should show no changes.",
      );
      return 0;
    } catch (error) {
      if (!lockTimedOut(error)) throw error;
      throw await lockError(database, { schemas }, error, "pull");
    } finally {
      await database.close();
    }
  } finally {
    if (stub && !written) await Deno.remove(outPath).catch(() => {});
  }
}

/** What a config importing the not yet pulled file finds there: every array empty, `schemas` left to the default. */
const STUB = "// kyrage pull is writing this file.\n" +
  ARRAY_KEYS.map((k) => `export const ${k} = [];\n`).join("") +
  "export const schemas = undefined;\n";

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** The config, or (adopting a database before any config exists) what `--database-url` alone gives. */
async function configFor(configPath: string, cwd: string, options: PullOptions): Promise<LoadedConfig> {
  if (await exists(configPath)) return await loadConfig(configPath);
  if (!options.databaseUrl && !Deno.env.get("DATABASE_URL")) {
    throw new KyrageError(`Config file not found: ${configPath}. Pass --database-url to pull without a config.`);
  }
  return {
    path: configPath,
    dir: dirname(configPath),
    migrationsDir: resolve(cwd, "migrations"),
    desired: EMPTY_MODEL,
    database: undefined,
    online: true,
  };
}

function report(out: Output, pulled: Pulled, outPath: string, label: string, schemas: readonly string[]): void {
  const types = pulled.model.composites.length + pulled.model.ranges.length;
  out.line(
    `Wrote ${outPath}: ${plural(pulled.model.tables.length, "table")}, ${plural(pulled.model.enums.length, "enum")}${
      types > 0 ? `, ${plural(types, "composite or range type")}` : ""
    }${pulled.model.objects.length > 0 ? `, ${plural(pulled.model.objects.length, "view or other object")}` : ""} ` +
      `from ${label} (schemas ${schemas.join(", ")}).`,
  );
  if (pulled.unsupported.length > 0) {
    out.line(`Not pulled, kyrage does not manage them (listed at the top of the file too):`);
    for (const u of pulled.unsupported) out.line(`  ${u}`);
  }
}

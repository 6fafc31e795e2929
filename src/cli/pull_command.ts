/** `kyrage pull`: write the live database's schema as DSL TypeScript. */
import { EMPTY_MODEL } from "../model/types.ts";
import { dirname, resolve } from "node:path";
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import { openDatabase } from "../dialect/database.ts";
import { KyrageError } from "../errors.ts";
import { pullDatabase, writeBaseline } from "../pull/pull.ts";
import { configPathOf, registerSecrets, targetOf, userDirectory } from "./context.ts";
import type { Output } from "./output.ts";
import { plural } from "./render.ts";

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
  // Adopting a database may come before any config exists: --database-url is enough.
  const config: LoadedConfig = await Deno.stat(configPath).then(
    () => loadConfig(configPath),
    () => {
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
    },
  );
  const { target } = targetOf(config, options, out);
  const outPath = resolve(cwd, options.out);
  if (!options.force && await Deno.stat(outPath).then(() => true, () => false)) {
    throw new KyrageError(`${outPath} already exists; pass --force to overwrite it, or --out another path.`);
  }
  const schemas = options.schema ? options.schema.split(",").map((s) => s.trim()) : config.desired.schemas;
  const database = await openDatabase(target);
  try {
    const pulled = await pullDatabase(database, schemas);
    await Deno.writeTextFile(outPath, pulled.source);
    const types = pulled.model.composites.length + pulled.model.ranges.length;
    out.line(
      `Wrote ${outPath}: ${plural(pulled.model.tables.length, "table")}, ${plural(pulled.model.enums.length, "enum")}${
        types > 0 ? `, ${plural(types, "composite or range type")}` : ""
      }${pulled.model.objects.length > 0 ? `, ${plural(pulled.model.objects.length, "view or other object")}` : ""} ` +
        `from ${database.label} (schemas ${schemas.join(", ")}).`,
    );
    if (pulled.unsupported.length > 0) {
      out.line(`Not pulled, kyrage does not manage them (listed at the top of the file too):`);
      for (const u of pulled.unsupported) out.line(`  ${u}`);
    }
    if (options.baseline) {
      const path = await writeBaseline(database, pulled.model, config.migrationsDir);
      out.line(`Wrote baseline migration ${path} and recorded it as applied on ${database.label} (nothing was run).`);
    }
    out.line(
      `Next: \`import { ${[...pulled.keys].sort().join(", ")} } from "./${
        options.out.replace(/^\.\//, "")
      }"\` in kyrage.config.ts and pass them, \`defineConfig({ ${pulled.keys.join(", ")} })\`; ` +
        "then `kyrage plan` should show no changes.",
    );
    return 0;
  } finally {
    await database.close();
  }
}

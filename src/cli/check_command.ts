/** `kyrage check`: does the migration history, replayed from empty, produce the config? */
import { describeOperation } from "../diff/describe.ts";
import { KyrageError } from "../errors.ts";
import { checkHistory } from "../migrations/generate.ts";
import { loadConfig } from "../config/load.ts";
import { configPathOf, registerConfigSecrets } from "./context.ts";
import type { Output } from "./output.ts";
import { plural } from "./render.ts";

export async function checkCommand(options: { config: string }, out: Output): Promise<number> {
  const config = await loadConfig(configPathOf(options));
  registerConfigSecrets(out, config);
  const ops = await checkHistory(config);
  if (ops.length > 0) {
    throw new KyrageError(
      `The migrations in ${config.migrationsDir} replay cleanly but do not produce ${config.path}: ` +
        `${plural(ops.length, "operation")} missing (${ops.map(describeOperation).join("; ")}). ` +
        "Run `kyrage generate --dev` to add a migration for them.",
    );
  }
  out.line(`OK: the migrations in ${config.migrationsDir} replay cleanly from empty and match ${config.path}.`);
  return 0;
}

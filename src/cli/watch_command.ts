/** `kyrage watch`: re-plan on every save and print the dry-run SQL. */
import { openDatabase } from "../dialect/database.ts";
import { KyrageError, messageOf } from "../errors.ts";
import { openDevDatabase } from "../migrations/dev.ts";
import { readMigrations } from "../migrations/store.ts";
import { startWatch } from "../watch/watch.ts";
import { type CommonOptions, configPathOf, registerSecrets, targetOf } from "./context.ts";
import type { Output } from "./output.ts";
import { plural, renderPlan } from "./render.ts";

export interface WatchCommandOptions extends CommonOptions {
  allowDestructive?: boolean;
}

const clock = () => new Date().toTimeString().slice(0, 8);

export async function watchCommand(options: WatchCommandOptions, out: Output): Promise<number> {
  registerSecrets(out, options);
  const configPath = configPathOf(options);
  let baseLabel = "";
  const session = await startWatch({
    configPath,
    allowDestructive: options.allowDestructive,
    async openBase(config, ownedId) {
      const { target, source } = targetOf(config, options, out);
      // Without a database of its own, watch plans on the dev database.
      if (options.dev || source === "default") {
        const others = (await readMigrations(config.migrationsDir)).filter((m) => m.id !== ownedId);
        const dev = await openDevDatabase(others);
        baseLabel = dev.label;
        return dev;
      }
      const database = await openDatabase(target);
      baseLabel = database.label;
      return database;
    },
    onCycle(result) {
      const header = `-- [${clock()}] ${result.trigger}: ${plural(result.operations.length, "operation")} ` +
        `against ${baseLabel} in ${Math.round(result.ms)} ms`;
      if (!result.written) {
        out.line(`${header}; nothing to change, so no pending migration (${result.path} absent)`);
        return;
      }
      out.line(`${header} → ${result.path}`);
      for (const line of renderPlan(result.operations)) out.line(line);
      if (result.destructive.length > 0 && !options.allowDestructive) {
        out.line(
          "-- apply will refuse this file's destructive changes; rerun watch with --allow-destructive to accept them",
        );
      }
    },
    onError(error, trigger) {
      const message = error instanceof KyrageError ? error.message : messageOf(error);
      out.error(
        `-- [${clock()}] ${trigger}: error: ${message}\n-- (the last good migration file is unchanged; watching)`,
      );
    },
  });
  out.error(`Watching ${configPath} and the files it imports (Ctrl-C to stop).`);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
  await session.stop();
  out.error("Stopped watching.");
  return 0;
}

/** `kyrage watch`: re-plan on every save and print the dry-run SQL. */
import { KyrageError, messageOf } from "../errors.ts";
import { requireConfigFile } from "../config/load.ts";
import { devTarget, liveTarget } from "../watch/target.ts";
import { extensionNames } from "../model/objects/extension.ts";
import { startWatch } from "../watch/watch.ts";
import type { StoredMigration } from "../migrations/store.ts";
import { type CommonOptions, configPathOf, openDevFor, registerSecrets, targetOf } from "./context.ts";
import type { Output } from "./output.ts";
import { plural, renderPlan, sqlComment } from "./render.ts";

export interface WatchCommandOptions extends CommonOptions {
  allowDestructive?: boolean;
}

const clock = () => new Date().toTimeString().slice(0, 8);

export async function watchCommand(options: WatchCommandOptions, out: Output): Promise<number> {
  registerSecrets(out, options);
  const configPath = configPathOf(options);
  await requireConfigFile(configPath);
  // Listening before anything is printed: a signal sent once "Watching" shows always stops the session cleanly.
  // Windows delivers only SIGINT (and SIGBREAK) to listeners.
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  let onSignal!: () => void;
  const signalled = new Promise<undefined>((resolveStop) => (onSignal = () => resolveStop(undefined)));
  for (const name of signals) Deno.addSignalListener(name, onSignal);
  const stopListening = () => {
    for (const name of signals) Deno.removeSignalListener(name, onSignal);
  };
  const session = await startWatch({
    configPath,
    allowDestructive: options.allowDestructive,
    online: options.online,
    target(config, targetOptions) {
      const { target, source } = targetOf(config, options, out);
      // Without a database of its own, watch plans on the dev database.
      const dev = options.dev || source === "default";
      // Both replay other files on the dev database: a live target while some of them are pending.
      const devSettings = [config.dev, extensionNames(config.desired.objects)];
      const openDev = (files: readonly StoredMigration[]) => openDevFor(config, files);
      return {
        key: JSON.stringify([target, dev, devSettings]),
        open: () => dev ? devTarget(target, targetOptions, openDev) : liveTarget(target, targetOptions, openDev),
      };
    },
    onCycle(result) {
      if (result.released.length > 0) {
        out.line(sqlComment(
          `[${clock()}] ${result.released.join(", ")} ${
            result.released.length === 1 ? "was" : "were"
          } applied to ${result.appliedTo}: watch leaves ` +
            `${result.released.length === 1 ? "it" : "them"} as ${
              result.released.length === 1 ? "it is" : "they are"
            } ` +
            "and puts new changes in a new file",
        ));
      }
      const header = `[${clock()}] ${result.trigger}: ${plural(result.operations.length, "operation")} ` +
        `against ${result.against} in ${Math.round(result.ms)} ms`;
      if (result.paths.length === 0) {
        out.line(sqlComment(`${header}; nothing to change, so no pending migration`));
        return;
      }
      out.line(sqlComment(`${header} → ${result.paths.join(", ")}`));
      for (const line of renderPlan(result.operations, new Map(), result.defaults)) out.line(line);
      if (result.destructive.length > 0 && !options.allowDestructive) {
        out.line(
          "-- apply will refuse this file's destructive changes; rerun watch with --allow-destructive to accept them",
        );
      }
    },
    onWaiting: (message) => out.error(`-- [${clock()}] ${message}`),
    onTarget: (label) => out.error(`-- [${clock()}] the config now names ${label}: watch plans against it from now on`),
    onError(error, trigger) {
      const message = error instanceof KyrageError ? error.message : messageOf(error);
      out.error(
        `-- [${clock()}] ${trigger}: error: ${message}\n-- (the last good migration file is unchanged; watching)`,
      );
    },
  }).catch((error) => {
    stopListening();
    throw error;
  });
  out.error(`Watching ${configPath} and the files it imports (Ctrl-C to stop).`);
  const failure = await Promise.race([signalled, session.failed]);
  stopListening();
  await session.stop();
  if (failure) throw failure;
  out.error("Stopped watching.");
  return 0;
}

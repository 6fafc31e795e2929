/** `kyrage generate`: write the diff as a new migration file. */
import { loadConfig } from "../config/load.ts";
import { describeOperation } from "../diff/describe.ts";
import { KyrageError } from "../errors.ts";
import {
  generateMigration,
  type GenerateOptions,
  type GenerateResult,
  squashPending,
  writeSqlStep,
} from "../migrations/generate.ts";
import { applyToDevServer } from "../dev_server/use.ts";
import { lockMigrationsDir } from "../migrations/lock.ts";
import { readMigrations } from "../migrations/store.ts";
import { type CommonOptions, configPathOf, registerSecrets, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { hazardLabels, plural } from "./render.ts";
import { defaultPartitions, planHazards } from "../diff/hazards.ts";
import { tableSizes } from "../plan.ts";

export interface GenerateCommandOptions extends CommonOptions, GenerateOptions {
  squash?: boolean;
  sqlStep?: boolean;
}

export async function generateCommand(options: GenerateCommandOptions, out: Output): Promise<number> {
  if (options.squash && options.dev) {
    throw new KyrageError("--squash needs the target database to know which migrations are applied; drop --dev.");
  }
  registerSecrets(out, options);
  // The only writer of the migrations directory from reading it (the dev
  // database replays it) to writing the new file: no duplicate migrations.
  const { migrationsDir } = await loadConfig(configPathOf(options));
  using _lock = await lockMigrationsDir(migrationsDir, "generate", { onWaiting: (message) => out.error(message) });
  if (options.sqlStep) {
    const path = await writeSqlStep(migrationsDir);
    out.line(
      `Wrote ${path}: a hand-written SQL step, empty. Write its SQL in the "sql" field (apply refuses it empty); ` +
        'it runs in a transaction, or with "transaction": false outside one, as a single statement.',
    );
    return 0;
  }
  return await withProject(options, out, async ({ config, database }) => {
    const result: GenerateResult & { removed?: readonly string[] } = options.squash
      ? await squashPending(database, config, { ...options, onWaiting: (message) => out.error(message) })
      : await generateMigration(database, config, options);
    for (const path of result.removed ?? []) out.line(`Removed pending ${path}`);
    if (result.paths.length === 0) {
      out.line(`No changes: ${database.label} matches ${config.path}. No migration written.`);
      return 0;
    }
    const sizes = await tableSizes(database, result.operations);
    const hazards = planHazards(result.operations, defaultPartitions(config.desired.tables));
    for (const [i, op] of result.operations.entries()) {
      const labels = hazardLabels(hazards[i], sizes);
      out.line(describeOperation(op) + (labels.length > 0 ? `  (${labels.join("; ")})` : ""));
    }
    for (const d of result.destructive) out.line(`! destructive: loses ${d.loses}`);
    if (result.repeats) {
      out.error(
        `Warning: this migration repeats operations of pending ${result.repeats.join(", ")} (planned against ` +
          `${database.label}, which does not have them yet): applying both will fail. Apply the pending migrations ` +
          "first, or delete the new file and run `generate --dev`, which plans on top of every migration.",
      );
    }
    out.line(
      result.paths.length === 1
        ? `Wrote ${result.paths[0]} (${plural(result.operations.length, "operation")}).`
        : `Wrote ${plural(result.paths.length, "migration")} (${
          plural(result.operations.length, "operation")
        }; each runs on its own: online steps, concurrent builds, validations): ${result.paths.join(", ")}.`,
    );
    if (database.persistent) {
      // As upstream does: the running dev server has the new schema at once, for the app and psql.
      await applyToDevServer(database, await readMigrations(config.migrationsDir));
      out.line(`Applied ${result.paths.length === 1 ? "it" : "them"} to ${database.label}.`);
    }
    return 0;
  }, { planning: true });
}

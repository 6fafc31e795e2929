/** `kyrage apply`: apply pending migrations (or print their SQL with --dry-run). */
import { applyMigrations, checkRunnable } from "../migrations/runner.ts";
import { migrationState, readHistory } from "../migrations/history.ts";
import { readMigrations } from "../migrations/store.ts";
import { KyrageError } from "../errors.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { plural, renderPlan } from "./render.ts";

export interface ApplyCommandOptions extends CommonOptions {
  dryRun?: boolean;
  lockTimeout: string;
  statementLockTimeout: string;
}

export async function applyCommand(options: ApplyCommandOptions, out: Output): Promise<number> {
  return await withProject(options, out, async ({ config, database }) => {
    const files = await readMigrations(config.migrationsDir);
    if (options.dryRun) {
      const { pending } = migrationState(files, await readHistory(database.db));
      checkRunnable(pending);
      if (pending.length === 0) {
        out.line(`-- Nothing to apply: ${database.label} is up to date.`);
        return 0;
      }
      out.line(
        `-- Dry run: ${
          plural(pending.length, "migration")
        } would be applied to ${database.label}; nothing was changed.`,
      );
      for (const migration of pending) {
        out.line(`-- migration ${migration.id} (${migration.path})`);
        for (const line of renderPlan(migration.file.operations)) out.line(line);
      }
      return 0;
    }
    const result = await applyMigrations(database.db, files, {
      lockWaitMs: seconds(options.lockTimeout) * 1000,
      statementLockTimeout: options.statementLockTimeout,
      onWaiting: () => out.error("Waiting for another kyrage process to finish applying migrations..."),
      onApplied: (m, ms) =>
        out.line(`Applied ${m.id} (${plural(m.file.operations.length, "operation")}, ${Math.round(ms)} ms)`),
    });
    out.line(
      result.applied.length === 0
        ? `Nothing to apply: ${database.label} is up to date.`
        : `Applied ${plural(result.applied.length, "migration")} to ${database.label}.`,
    );
    return 0;
  });
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new KyrageError(`--lock-timeout takes a number of seconds, not "${value}".`);
  return n;
}

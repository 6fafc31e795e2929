/** `kyrage apply`: apply pending migrations (or print their SQL with --dry-run). */
import { applyMigrations, checkRunnable } from "../migrations/runner.ts";
import { migrationState, readHistory } from "../migrations/history.ts";
import { readMigrations } from "../migrations/store.ts";
import { defaultPartitions } from "../diff/hazards.ts";
import { KyrageError } from "../errors.ts";
import { refuseUnrecordedUpstream } from "../upstream/history.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { prettySql } from "./pretty_sql.ts";
import { plural, renderPlan, sqlComment } from "./render.ts";

export interface ApplyCommandOptions extends CommonOptions {
  dryRun?: boolean;
  /** @izumisy/kyrage's spelling of --dry-run. */
  plan?: boolean;
  /** Format the dry run's SQL one clause per line. */
  pretty?: boolean;
  lockTimeout: string;
  statementLockTimeout: string;
}

export async function applyCommand(options: ApplyCommandOptions, out: Output): Promise<number> {
  // Both are checked before anything is loaded or connected.
  const lockWaitMs = seconds(options.lockTimeout) * 1000;
  const statementLockTimeout = duration(options.statementLockTimeout);
  const dryRun = options.dryRun || options.plan;
  if (options.pretty && !dryRun) {
    throw new KyrageError(
      "--pretty formats the SQL that --dry-run (or --plan) prints; add one of them. Nothing was applied.",
    );
  }
  return await withProject(options, out, async ({ config, database }) => {
    const files = await readMigrations(config.migrationsDir);
    const history = await readHistory(database.db);
    await refuseUnrecordedUpstream(database.db, files, history, database.label);
    if (dryRun) {
      const { pending } = migrationState(files, history);
      await checkRunnable(database.db, pending);
      if (pending.length === 0) {
        out.line(sqlComment(`Nothing to apply: ${database.label} is up to date.`));
        return 0;
      }
      const defaults = defaultPartitions(config.desired.tables);
      out.line(sqlComment(
        `Dry run: ${plural(pending.length, "migration")} would be applied to ${database.label}; nothing was changed.`,
      ));
      for (const migration of pending) {
        out.line(sqlComment(`migration ${migration.id} (${migration.path})`));
        for (const line of renderPlan(migration.file.operations, new Map(), defaults)) {
          out.line(options.pretty && !line.startsWith("--") ? prettySql(line) : line);
        }
      }
      return 0;
    }
    // Read again under the lock: a file rewritten while this apply waited (by watch) is applied as it is then.
    const result = await applyMigrations(database.db, () => readMigrations(config.migrationsDir), {
      lockWaitMs,
      statementLockTimeout,
      onWaiting: (holder) =>
        out.error(
          `Waiting for another kyrage process to finish applying migrations${
            holder ? ` (the lock is held by ${holder})` : ""
          }...`,
        ),
      onDestructive: (m, changes) =>
        out.error(
          `warning: migration ${m.id} (${m.path}) allows destructive changes (allowDestructive) and is about to ` +
            `run them; it loses: ${changes.map((c) => c.loses).join("; ")}.`,
        ),
      onNotice: (m, notice) => out.error(`Migration ${m.id}: ${notice}`),
      onApplied: (m, ms) =>
        out.line(`Applied ${m.id} (${plural(m.file.operations.length, "operation")}, ${Math.round(ms)} ms)`),
    });
    out.line(
      result.applied.length === 0
        ? `Nothing to apply: ${database.label} is up to date.`
        : `Applied ${plural(result.applied.length, "migration")} to ${database.label}.`,
    );
    return 0;
  }, { reads: "settings", embeddedWaitMs: lockWaitMs });
}

function seconds(value: string): number {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    throw new KyrageError(
      `--lock-timeout takes a number of seconds to wait for another kyrage apply (such as 300; 0 gives up at once), ` +
        `not "${value}". Nothing was applied.`,
    );
  }
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
/** The largest lock_timeout PostgreSQL accepts: INT_MAX milliseconds (about 24 days). */
const MAX_LOCK_TIMEOUT_MS = 2_147_483_647;

/**
 * A PostgreSQL duration as lock_timeout accepts it (a number, optionally
 * with a unit; milliseconds without one), returned as `<n>ms` so the server
 * gets exactly what was checked.
 */
function duration(value: string): string {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)?\s*$/.exec(value);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? "ms"] : NaN;
  if (!Number.isFinite(ms) || (ms > 0 && ms < 1) || ms > MAX_LOCK_TIMEOUT_MS) {
    throw new KyrageError(
      `--statement-lock-timeout takes a PostgreSQL duration: a number with an optional unit ms, s, min, h or d ` +
        `(such as 10s, 500ms or 2min; a bare number is milliseconds; 0 means no limit; at most about 24 days), not ` +
        `"${value}". Nothing was applied.`,
    );
  }
  return `${Math.round(ms)}ms`;
}

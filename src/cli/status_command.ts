/**
 * `kyrage status`: applied, pending, out-of-order and tampered migrations,
 * and whether the live schema drifted from what its applied history implies.
 */
import { describeOperation } from "../diff/describe.ts";
import { KyrageError } from "../errors.ts";
import { describeTampered, inspectHistory, readHistory } from "../migrations/history.ts";
import { readMigrations } from "../migrations/store.ts";
import { detectDrift, unmanagedObjects } from "../plan.ts";
import { unrecordedUpstream } from "../upstream/history.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { notManaged, plural } from "./render.ts";

export interface StatusOptions extends CommonOptions {
  json?: boolean;
  /** Exit 2 when migrations are pending or the schema drifted. */
  exitCode?: boolean;
}

export async function statusCommand(options: StatusOptions, out: Output): Promise<number> {
  return await withProject(options, out, async ({ config, database }) => {
    const files = await readMigrations(config.migrationsDir);
    const history = await readHistory(database.db);
    const report = inspectHistory(files, history);
    const appliedIds = new Set(report.applied.map((a) => a.id));
    // Upstream applied these, kyrage's history does not know yet: they are not pending, and drift is not drift.
    const upstream = await unrecordedUpstream(database.db, files, history);
    // Drift is only meaningful when the history can be trusted.
    const drift = report.tampered.length === 0 && upstream.length === 0
      ? await detectDrift(database, config.desired, files.filter((f) => appliedIds.has(f.id)), config.dev)
      : undefined;
    const unmanaged = await unmanagedObjects(database, config.desired);

    if (options.json) {
      // README "Machine-readable output" documents these fields: keep them stable.
      out.json({
        database: database.label,
        migrationsDir: config.migrationsDir,
        applied: report.applied.map((a) => ({ id: a.id, appliedAt: a.appliedAt.toISOString() })),
        pending: report.pending.map((p) => p.id),
        outOfOrder: report.outOfOrder.map((p) => p.id),
        appliedByUpstream: upstream.map((m) => m.id),
        tampered: report.tampered.map((t) => ({ id: t.id, expected: t.expected, found: t.file?.checksum ?? null })),
        drift: drift === undefined
          ? null
          : { drifted: drift.length > 0, operations: drift, changes: drift.map(describeOperation) },
        unmanaged,
      });
    } else {
      const outOfOrder = new Set(report.outOfOrder.map((m) => m.id));
      const tampered = new Set(report.tampered.map((t) => t.id));
      out.line(`Migrations in ${config.migrationsDir} against ${database.label}:`);
      for (const a of report.applied) {
        out.line(`  ${tampered.has(a.id) ? "TAMPERED" : "applied "}  ${a.id}  ${a.appliedAt.toISOString()}`);
      }
      for (const p of report.pending) {
        out.line(`  pending   ${p.id}${outOfOrder.has(p.id) ? "  (out of order: older than the newest applied)" : ""}`);
      }
      if (files.length === 0 && report.applied.length === 0) out.line("  (none)");
      if (upstream.length > 0) {
        out.line(
          `public.kysely_migration lists ${plural(upstream.length, "of these migration")} (${
            upstream.map((m) => m.id).join(", ")
          }) as applied by @izumisy/kyrage: run \`kyrage import-upstream\` to record them as applied (nothing is ` +
            "run); `kyrage apply` refuses until then. Schema drift: not checked until then.",
        );
      } else if (drift === undefined) out.line("Schema drift: not checked while the history is tampered.");
      else if (drift.length === 0) out.line("Schema: matches what the applied migrations produce.");
      else {
        out.line(
          `Schema drift: the database differs from its applied migrations; ${
            plural(drift.length, "operation")
          } would restore it:`,
        );
        for (const op of drift) out.line(`  ${describeOperation(op)}`);
        if (files.length === 0 && report.applied.length === 0) {
          out.line(
            "This database has no kyrage history yet. To adopt it as it is: `kyrage pull --baseline` writes its " +
              "schema as DSL and records a baseline migration as applied (nothing is run).",
          );
        }
      }
      if (unmanaged.length > 0) out.line(notManaged(unmanaged));
    }
    if (report.tampered.length > 0) {
      throw new KyrageError(`${report.tampered.map(describeTampered).join("; ")}.`);
    }
    const behind = report.pending.length > 0 || (drift !== undefined && drift.length > 0);
    return options.exitCode && behind ? 2 : 0;
  }, { planning: true });
}

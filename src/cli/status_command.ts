/** `kyrage status`: applied and pending migrations. */
import { migrationState, readHistory } from "../migrations/runner.ts";
import { readMigrations } from "../migrations/store.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";

export async function statusCommand(options: CommonOptions, out: Output): Promise<number> {
  return await withProject(options, out, async ({ config, database }) => {
    const files = await readMigrations(config.migrationsDir);
    const state = migrationState(files, await readHistory(database.db));
    const outOfOrder = new Set(state.outOfOrder.map((m) => m.id));
    out.line(`Migrations in ${config.migrationsDir} against ${database.label}:`);
    for (const a of state.applied) out.line(`  applied  ${a.id}  ${a.appliedAt.toISOString()}`);
    for (const p of state.pending) {
      out.line(`  pending  ${p.id}${outOfOrder.has(p.id) ? "  (out of order: older than the newest applied)" : ""}`);
    }
    if (files.length === 0) out.line("  (none)");
    return 0;
  });
}

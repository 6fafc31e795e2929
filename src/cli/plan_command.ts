/** `kyrage plan`: print the SQL the current diff would produce. */
import { compileOperation } from "../dialect/postgres/compile.ts";
import { destructiveChanges } from "../diff/destructive.ts";
import { defaultPartitions, planHazards } from "../diff/hazards.ts";
import { planChanges, tableSizes, unmanagedObjects } from "../plan.ts";
import { planBlockers } from "../blockers.ts";
import { refuseUnimportedUpstream } from "../migrations/store.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { notManaged, planSteps, plural, renameHints, renderPlan, sqlComment } from "./render.ts";

export interface PlanOptions extends CommonOptions {
  exitCode?: boolean;
  json?: boolean;
}

export async function planCommand(options: PlanOptions, out: Output): Promise<number> {
  return await withProject(options, out, async ({ config, database }) => {
    await refuseUnimportedUpstream(config.migrationsDir);
    const ops = await planChanges(database, config.desired, { online: config.online });
    const blockers = await planBlockers(database, ops, config.desired);
    const sizes = await tableSizes(database, ops);
    const unmanaged = await unmanagedObjects(database, config.desired);
    const changed = options.exitCode && ops.length > 0 ? 2 : 0;
    const defaults = defaultPartitions(config.desired.tables);
    if (options.json) {
      // README "Machine-readable output" documents these fields: keep them stable.
      out.json({
        database: database.label,
        config: config.path,
        changes: ops.length > 0,
        operations: ops,
        statements: ops.flatMap(compileOperation),
        // Per operation, in order: the lock it takes, its hazards, and the table's size when it exists.
        hazards: planHazards(ops, defaults).map((h) => ({
          ...h,
          ...(h.table && sizes.has(h.table) ? { size: sizes.get(h.table) } : {}),
        })),
        destructive: destructiveChanges(ops).map((d) => ({ operation: ops.indexOf(d.operation), loses: d.loses })),
        // Per operation, in order: everything the text plan prints about it.
        steps: planSteps(ops, sizes, defaults),
        possibleRenames: renameHints(ops),
        blockers,
        unmanaged,
      });
      return changed;
    }
    if (ops.length === 0) {
      out.line(sqlComment(`No changes: ${database.label} matches ${config.path}.`));
    } else {
      out.line(sqlComment(`${plural(ops.length, "operation")} to bring ${database.label} to ${config.path}:`));
      for (const line of renderPlan(ops, sizes, defaults)) out.line(line);
      for (const b of blockers) {
        out.line(sqlComment(`WILL FAIL: ${b.object} ${b.reason}`));
      }
    }
    if (unmanaged.length > 0) out.line(sqlComment(notManaged(unmanaged)));
    return changed;
  }, { planning: true });
}

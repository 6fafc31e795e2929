/** `kyrage plan`: print the SQL the current diff would produce. */
import { planChanges } from "../plan.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { plural, renderPlan } from "./render.ts";

export interface PlanOptions extends CommonOptions {
  exitCode?: boolean;
}

export async function planCommand(options: PlanOptions, out: Output): Promise<number> {
  return await withProject(options, out, async ({ config, database }) => {
    const ops = await planChanges(database, config.desired);
    if (ops.length === 0) {
      out.line(`-- No changes: ${database.label} matches ${config.path}.`);
      return 0;
    }
    out.line(`-- ${plural(ops.length, "operation")} to bring ${database.label} to ${config.path}:`);
    for (const line of renderPlan(ops)) out.line(line);
    return options.exitCode ? 2 : 0;
  });
}

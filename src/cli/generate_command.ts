/** `kyrage generate`: write the diff as a new migration file. */
import { describeOperation } from "../diff/describe.ts";
import { generateMigration, type GenerateOptions } from "../migrations/generate.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { plural } from "./render.ts";

export async function generateCommand(options: CommonOptions & GenerateOptions, out: Output): Promise<number> {
  return await withProject(options, out, async ({ config, database }) => {
    const result = await generateMigration(database, config, options);
    if (!result.path) {
      out.line(`No changes: ${database.label} matches ${config.path}. No migration written.`);
      return 0;
    }
    for (const op of result.operations) out.line(describeOperation(op));
    for (const d of result.destructive) out.line(`! destructive: loses ${d.loses}`);
    out.line(`Wrote ${result.path} (${plural(result.operations.length, "operation")}).`);
    return 0;
  });
}

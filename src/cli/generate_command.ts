/** `kyrage generate`: write the diff as a new migration file. */
import { describeOperation } from "../diff/describe.ts";
import { KyrageError } from "../errors.ts";
import { generateMigration, type GenerateOptions, type GenerateResult, squashPending } from "../migrations/generate.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { plural } from "./render.ts";

export interface GenerateCommandOptions extends CommonOptions, GenerateOptions {
  squash?: boolean;
}

export async function generateCommand(options: GenerateCommandOptions, out: Output): Promise<number> {
  if (options.squash && options.dev) {
    throw new KyrageError("--squash needs the target database to know which migrations are applied; drop --dev.");
  }
  return await withProject(options, out, async ({ config, database }) => {
    const result: GenerateResult & { removed?: readonly string[] } = options.squash
      ? await squashPending(database, config, options)
      : await generateMigration(database, config, options);
    for (const path of result.removed ?? []) out.line(`Removed pending ${path}`);
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

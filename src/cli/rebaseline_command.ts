/**
 * `kyrage rebaseline`: the explicit way to accept edited or deleted applied
 * migration files: their history rows take the files' current checksums
 * (deleted ones are forgotten). It changes no schema.
 */
import { inspectHistory, readHistory, rebaseline } from "../migrations/history.ts";
import { readMigrations } from "../migrations/store.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";

export async function rebaselineCommand(options: CommonOptions, out: Output): Promise<number> {
  return await withProject(options, out, async ({ config, database }) => {
    const files = await readMigrations(config.migrationsDir);
    const { tampered } = inspectHistory(files, await readHistory(database.db));
    if (tampered.length === 0) {
      out.line("Nothing to rebaseline: every applied migration matches its file.");
      return 0;
    }
    await rebaseline(database.db, tampered);
    for (const t of tampered) {
      out.line(t.file ? `Rebaselined ${t.id}: checksum now ${t.file.checksum}` : `Forgot ${t.id}: its file is gone`);
    }
    return 0;
  });
}

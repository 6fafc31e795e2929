/**
 * `kyrage import-upstream`: take over a project of @izumisy/kyrage, its
 * migration files and its applied history (see src/upstream/import.ts).
 */
import { basename } from "node:path";
import { importUpstream } from "../upstream/import.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { plural } from "./render.ts";

export async function importUpstreamCommand(options: CommonOptions, out: Output): Promise<number> {
  return await withProject(options, out, async ({ config, database }) => {
    const result = await importUpstream(database, config.migrationsDir);
    const count = result.upstreamFiles.length;
    out.line(
      `Imported ${plural(count, "migration")} of @izumisy/kyrage from ${config.migrationsDir}: ` +
        `${plural(result.written.length, "kyrage file")} written, ${
          plural(result.recorded.length, "migration")
        } recorded as applied on ${database.label} (nothing was run).`,
    );
    for (const path of result.written) out.line(`  wrote ${basename(path)}`);
    if (result.unknownHistory.length > 0) {
      out.error(
        `warning: public.kysely_migration also lists ${result.unknownHistory.join(", ")}, which ` +
          `${result.unknownHistory.length === 1 ? "is" : "are"} not a migration file of @izumisy/kyrage here ` +
          "(a hand-written Kysely migration?); kyrage does not know what it changed. `kyrage status` shows any " +
          "difference from the schema as drift.",
      );
    }
    out.line(
      `Upstream's files (${result.upstreamFiles.map((f) => basename(f.path)).join(", ")}) are left in place and ` +
        "ignored from now on; you may delete them. kyrage never touches the tables kysely_migration and " +
        "kysely_migration_lock; drop them yourself once no one runs @izumisy/kyrage on this database.",
    );
    return 0;
  });
}

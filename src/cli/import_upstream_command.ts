/**
 * `kyrage import-upstream`: take over a project of @izumisy/kyrage, its
 * migration files and its applied history (see src/upstream/import.ts).
 */
import { basename } from "node:path";
import { extensionNames } from "../model/objects/extension.ts";
import { importUpstream } from "../upstream/import.ts";
import { type CommonOptions, withProject } from "./context.ts";
import type { Output } from "./output.ts";
import { plural } from "./render.ts";

/** As long as `kyrage apply` waits for another apply by default (--lock-timeout 300). */
const UPSTREAM_LOCK_WAIT_MS = 300_000;

export async function importUpstreamCommand(options: CommonOptions, out: Output): Promise<number> {
  return await withProject(options, out, async ({ config, database }) => {
    const result = await importUpstream(database, config.migrationsDir, {
      lockWaitMs: UPSTREAM_LOCK_WAIT_MS,
      extensions: extensionNames(config.desired.objects),
      onWaiting: () => out.error("Waiting for an apply of @izumisy/kyrage on this database to finish..."),
    });
    const count = result.upstreamFiles.length;
    out.line(
      `Imported ${plural(count, "migration")} of @izumisy/kyrage from ${config.migrationsDir}: ` +
        `${plural(result.written.length, "kyrage file")} written, ${
          plural(result.recorded.length, "migration")
        } recorded as applied on ${database.label} (nothing was run).`,
    );
    for (const path of result.written) {
      out.line(
        `  wrote ${basename(path)}${
          path === result.baseline
            ? ` (baseline: what upstream found on ${database.label} and never created, the tables its files change ` +
              "and the extensions, as they are now; recorded as applied)"
            : ""
        }`,
      );
    }
    if (result.unknownHistory.length > 0) {
      out.error(
        `warning: public.kysely_migration also lists ${result.unknownHistory.join(", ")}, which ` +
          `${result.unknownHistory.length === 1 ? "is" : "are"} not a migration file of @izumisy/kyrage here ` +
          "(a hand-written Kysely migration?); kyrage does not know what it changed. `kyrage status` shows any " +
          "difference from the schema as drift.",
      );
    }
    const files = result.upstreamFiles.map((f) => basename(f.path)).join(", ");
    out.line(
      (count > 0
        ? `Upstream's files (${files}) are left in place and ignored from now on; you may delete them. `
        : "Upstream's files are gone: the kyrage files imported from them were recorded. ") +
        "kyrage never touches the tables kysely_migration and kysely_migration_lock; drop them yourself once no " +
        "one runs @izumisy/kyrage on this database.",
    );
    return 0;
  });
}

/**
 * The other file names @izumisy/kyrage reads its config from (c12 looks
 * for `kyrage.config.*`); kyrage reads one path, `kyrage.config.ts` unless
 * `--config` says otherwise, so a project coming from upstream is told which
 * of its files to point at instead of that its config is missing.
 */
import { basename, dirname, join } from "node:path";

const UPSTREAM_EXTENSIONS = ["mts", "cts", "js", "mjs", "cjs"];

/** A sibling of the missing default `kyrage.config.ts` that upstream would have loaded, if there is one. */
export async function upstreamConfigBeside(missing: string): Promise<string | undefined> {
  if (basename(missing) !== "kyrage.config.ts") return undefined;
  for (const extension of UPSTREAM_EXTENSIONS) {
    const candidate = join(dirname(missing), `kyrage.config.${extension}`);
    try {
      if ((await Deno.stat(candidate)).isFile) return candidate;
    } catch {
      // not there: try the next name
    }
  }
  return undefined;
}

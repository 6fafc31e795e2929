/**
 * Upstream's files in kyrage's migrations directory: read them to import
 * them, and, once imported, let them stay there (the user deletes them when
 * they like) without kyrage taking them for malformed files of its own.
 */
import { KyrageError } from "../errors.ts";
import { formatPath } from "../config/schema.ts";
import { isLegacyUpstream, kyrageIdOf, looksUpstream, type UpstreamMigration, upstreamMigration } from "./format.ts";

export interface UpstreamFile {
  readonly path: string;
  readonly migration: UpstreamMigration;
}

/** kyrage's own file names: the 17-digit id. Anything else may be upstream's. */
const KYRAGE_NAME = /^\d{17}\.json$/;

/** Read `dir/name` as JSON if it is upstream's; undefined when it is not. */
async function readIfUpstream(dir: string, name: string): Promise<UpstreamFile | undefined> {
  const path = `${dir}/${name}`;
  let json: unknown;
  const text = await Deno.readTextFile(path);
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Not named like kyrage's files, so maybe upstream's: skipping it would drop its migration unseen.
    throw new KyrageError(
      `Migration file ${path} is not valid JSON (${(error as Error).message})${
        /^(<{7}|={7}|>{7})/m.test(text) ? "; it holds a merge's conflict markers" : ""
      }. kyrage reads every migration file (and @izumisy/kyrage's) before it does anything, so nothing was done; ` +
        "fix the file or restore it from version control.",
    );
  }
  if (!looksUpstream(json)) return undefined;
  if (isLegacyUpstream(json)) {
    throw new KyrageError(
      `Migration file ${path} is in the format of @izumisy/kyrage 0.x (diff.addedTables), which neither ` +
        "@izumisy/kyrage 1.x nor kyrage can read. Apply it with upstream 0.x, then regenerate; nothing was done.",
    );
  }
  const result = upstreamMigration.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new KyrageError(
      `Migration file ${path} looks like one of @izumisy/kyrage, but is malformed at ${formatPath(issue.path)}: ` +
        `${issue.message}. Nothing was done.`,
    );
  }
  // Upstream only ever wrote "1" (and reads no other field by it); another is a format kyrage cannot vouch for.
  if (result.data.version !== "1") {
    throw new KyrageError(
      `Migration file ${path} of @izumisy/kyrage has version ${JSON.stringify(result.data.version)}, and kyrage ` +
        'reads only version "1", the one upstream writes; it cannot tell what the file\'s operations mean. ' +
        "Nothing was done.",
    );
  }
  return { path, migration: result.data };
}

/** Every upstream file in `names` (the `*.json` of `dir`), in id order. */
export async function readUpstreamFiles(dir: string, names: readonly string[]): Promise<UpstreamFile[]> {
  const found = await Promise.all(names.filter((n) => !KYRAGE_NAME.test(n)).map((n) => readIfUpstream(dir, n)));
  const files = found.filter((f) => f !== undefined).sort((a, b) => Number(a.migration.id) - Number(b.migration.id));
  // Both would become one kyrage file, the second overwriting the first.
  const same = files.find((f, i) => i > 0 && Number(f.migration.id) === Number(files[i - 1].migration.id));
  if (same) {
    const first = files.find((f) => Number(f.migration.id) === Number(same.migration.id))!;
    throw new KyrageError(
      `Migration files ${first.path} and ${same.path} of @izumisy/kyrage have the same id (the same instant, ` +
        `${new Date(Number(same.migration.id)).toISOString()}), so both would be imported as one kyrage file. ` +
        "Remove the copy, or give one of them a later id in its file; nothing was done.",
    );
  }
  return files;
}

/**
 * Upstream files not imported that are older than kyrage's first file: the
 * history started after them (`pull --baseline` took the schema they built),
 * so importing them would start it a second time.
 */
export function beforeHistory(upstream: readonly UpstreamFile[], names: readonly string[]): UpstreamFile[] {
  const first = names.filter((n) => KYRAGE_NAME.test(n)).sort()[0];
  if (first === undefined) return [];
  return upstream.filter((f) => `${kyrageIdOf(f.migration.id)}.json` < first);
}

/**
 * `names` without upstream files that were imported (their kyrage file is
 * beside them) or that precede kyrage's history. An upstream file not
 * imported yet stops everything: its changes are not in kyrage's history.
 */
export async function withoutImportedUpstream(dir: string, names: readonly string[]): Promise<string[]> {
  const upstream = await readUpstreamFiles(dir, names);
  if (upstream.length === 0) return [...names];
  const present = new Set(names);
  const early = new Set(beforeHistory(upstream, names));
  const notImported = upstream.filter((f) => !present.has(`${kyrageIdOf(f.migration.id)}.json`) && !early.has(f));
  if (notImported.length > 0) {
    throw new KyrageError(
      `${notImported.map((f) => f.path).join(", ")} ${
        notImported.length === 1 ? "is a migration file" : "are migration files"
      } of @izumisy/kyrage, not yet imported. Run \`kyrage import-upstream\`: it converts them to kyrage's format ` +
        "and records the ones upstream applied as applied. Nothing was done.",
    );
  }
  const skipped = new Set(upstream.map((f) => f.path.slice(dir.length + 1)));
  return names.filter((n) => !skipped.has(n));
}

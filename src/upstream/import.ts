/**
 * `import-upstream`: switch a project of @izumisy/kyrage to kyrage. Its
 * `migrations/<epoch-ms>.json` files are converted to kyrage files with the
 * same instant as id (order and time order kept); the ones upstream applied
 * (rows of `public.kysely_migration`) are recorded in kyrage's history with
 * their checksums, at upstream's apply time, without running anything;
 * before them, a baseline of what upstream found (baseline.ts). Once
 * imported, upstream's files may be deleted: another database upstream
 * migrated is taken over from the kyrage files. The history is recorded
 * whole or not at all. Upstream's files and tables are left as they are.
 * Running it again changes nothing.
 */
import { sql } from "kysely";
import type { Database } from "../dialect/database.ts";
import { KyrageError } from "../errors.ts";
import { type MigrationFile, serializeMigration } from "../migrations/file.ts";
import { ensureHistoryTable, HISTORY_QUALIFIED, readHistory } from "../migrations/history.ts";
import { lockMigrationsDir } from "../migrations/lock.ts";
import { readMigration, writeMigration } from "../migrations/store.ts";
import { baselineIdOf, takeBaseline } from "./baseline.ts";
import { convertUpstream } from "./convert.ts";
import { beforeHistory, readUpstreamFiles, type UpstreamFile } from "./files.ts";
import { kyrageIdOf } from "./format.ts";
import {
  isUpstreamRow,
  lockUpstreamHistory,
  readUpstreamHistory,
  refuseHistoryElsewhere,
  type UpstreamHistoryRow,
  type UpstreamLockOptions,
} from "./history.ts";

export interface ImportResult {
  readonly upstreamFiles: readonly UpstreamFile[];
  /** kyrage files written now (an earlier import's are kept as they are). */
  readonly written: readonly string[];
  /** kyrage ids recorded as applied now. */
  readonly recorded: readonly string[];
  /** Rows of kysely_migration that are not upstream's files (hand-written Kysely migrations). */
  readonly unknownHistory: readonly string[];
  /** The baseline (baseline.ts) written now, if one was. */
  readonly baseline?: string;
}

export interface ImportOptions extends UpstreamLockOptions {
  /** The extensions the config declares, looked for in every schema for the baseline. */
  readonly extensions: readonly string[];
}

export async function importUpstream(
  database: Database,
  migrationsDir: string,
  options: ImportOptions,
): Promise<ImportResult> {
  using _lock = await lockMigrationsDir(migrationsDir, "import-upstream");
  const names = await Array.fromAsync(Deno.readDir(migrationsDir)).then(
    (entries) => entries.filter((e) => e.isFile && e.name.endsWith(".json")).map((e) => e.name),
    () => [] as string[],
  );
  const upstreamFiles = await readUpstreamFiles(migrationsDir, names);
  refuseBeforeHistory(upstreamFiles, names, migrationsDir);
  const existing = new Set(names);
  // One transaction under upstream's lock: a running upstream apply is waited for, and a refusal records nothing.
  return await database.db.transaction().execute(async (tx) => {
    await lockUpstreamHistory(tx, options);
    const history = await readUpstreamHistory(tx);
    if (history.length === 0) await refuseHistoryElsewhere(tx);
    const upstreamIds = new Set(upstreamFiles.map((f) => f.migration.id));
    const applied = history.filter(isUpstreamRow);
    const importedBefore = applied.filter((row) => existing.has(`${kyrageIdOf(row.name)}.json`));
    if (upstreamFiles.length === 0 && importedBefore.length === 0) {
      throw new KyrageError(
        `${migrationsDir} holds no migration file of @izumisy/kyrage (\`{ "version": "1", "id", "diff": ... }\`), ` +
          `nor a kyrage file imported from one that public.kysely_migration on ${database.label} lists; nothing to ` +
          "import.",
      );
    }
    const recordedAlready = await readHistory(tx);
    const recordedIds = new Set(recordedAlready.map((a) => a.id));
    const rows = applied.filter((row) => !recordedIds.has(kyrageIdOf(row.name)));
    const missing = rows.filter((row) => !upstreamIds.has(row.name) && !importedBefore.includes(row));
    if (missing.length > 0) throw missingFiles(missing, migrationsDir, database.label);

    const appliedIds = new Set(applied.map((row) => row.name));
    const firstId = [...upstreamIds, ...appliedIds].sort((a, b) => Number(a) - Number(b))[0];
    const baselinePath = `${migrationsDir}/${baselineIdOf(firstId)}.json`;
    // An earlier import's baseline is kept as it is: its files were converted against it. A first import takes it.
    const firstImport = importedBefore.length === 0 &&
      upstreamFiles.every((f) => !existing.has(`${kyrageIdOf(f.migration.id)}.json`));
    const earlier = existing.has(`${baselineIdOf(firstId)}.json`) ? await readMigration(baselinePath) : undefined;
    const taken = !earlier && firstImport
      ? await takeBaseline(tx, upstreamFiles, appliedIds, {
        firstUpstreamId: firstId,
        extensions: options.extensions,
        label: database.label,
      })
      : undefined;
    const baseline = earlier?.file ?? taken;
    const converted = convertUpstream(upstreamFiles, appliedIds, baseline?.operations);
    const toWrite = await newFiles(converted, existing, migrationsDir);
    const known = new Set([...upstreamIds, ...appliedIds].map(kyrageIdOf));
    if (baseline) known.add(baseline.id);
    const foreign = recordedAlready.filter((a) => !known.has(a.id));
    if (rows.length > 0 && foreign.length > 0) {
      throw new KyrageError(
        `kyrage's history on ${database.label} already starts with ${foreign[0].id}, which is not an import of ` +
          "@izumisy/kyrage's files (a baseline, or kyrage's own migration); recording upstream's applied files " +
          "before it would start the history twice, and replaying it would create the same tables again. The " +
          `history already holds upstream's schema: move upstream's files out of ${migrationsDir}. Nothing was ` +
          "imported.",
      );
    }

    const written: string[] = [];
    if (taken) written.push(await writeMigration(migrationsDir, taken));
    for (const file of toWrite) written.push(await writeMigration(migrationsDir, file));
    // Taken from this database, or this database went through upstream from the same start: it holds the baseline.
    const recordBaseline = taken !== undefined ||
      (earlier !== undefined && rows.length > 0 && !recordedIds.has(earlier.id));
    if (rows.length > 0 || recordBaseline) await ensureHistoryTable(tx);
    const recorded: string[] = [];
    const record = async (path: string, appliedAt: string) => {
      const stored = await readMigration(path);
      await sql`insert into ${sql.table(HISTORY_QUALIFIED)} (id, checksum, applied_at)
        values (${stored.id}, ${stored.checksum}, ${appliedAt}::timestamptz)`.execute(tx);
      recorded.push(stored.id);
    };
    if (recordBaseline) await record(baselinePath, new Date().toISOString());
    for (const row of rows) await record(`${migrationsDir}/${kyrageIdOf(row.name)}.json`, appliedAtOf(row));
    const unknownHistory = history.filter((row) => !isUpstreamRow(row)).map((row) => row.name);
    return { upstreamFiles, written, recorded, unknownHistory, ...(taken ? { baseline: baselinePath } : {}) };
  });
}

/** Upstream files older than kyrage's first file would go before the start of its history. */
function refuseBeforeHistory(upstreamFiles: readonly UpstreamFile[], names: readonly string[], dir: string): void {
  const early = beforeHistory(upstreamFiles, names);
  if (early.length === 0) return;
  throw new KyrageError(
    `${early.map((f) => f.path).join(", ")} of @izumisy/kyrage ${
      early.length === 1 ? "is" : "are"
    } older than kyrage's first migration in ${dir}: kyrage's history started after upstream's (a baseline ` +
      "holds the schema they built), and importing them would start it a second time. kyrage ignores them; move " +
      "them out of the migrations directory. Nothing was imported.",
  );
}

/** A file upstream applied that is gone: without it the history lacks its changes. */
function missingFiles(rows: readonly UpstreamHistoryRow[], dir: string, label: string): KyrageError {
  const paths = rows.map((row) => `${dir}/${row.name}.json`);
  return new KyrageError(
    `public.kysely_migration on ${label} lists ${rows.map((r) => r.name).join(", ")} as applied by ` +
      `@izumisy/kyrage, but ${paths.join(", ")} ${rows.length === 1 ? "is" : "are"} missing (and no kyrage file ` +
      "was imported from it). Restore it from version control (or from the machine that generated it) and run " +
      "`kyrage import-upstream` again: without it, kyrage's history would lack its changes. Nothing was imported.",
  );
}

/** The converted files not written yet; one that differs from its conversion stops everything. */
async function newFiles(converted: readonly MigrationFile[], existing: Set<string>, dir: string) {
  const toWrite: MigrationFile[] = [];
  for (const file of converted) {
    const name = `${file.id}.json`;
    if (!existing.has(name)) {
      toWrite.push(file);
      continue;
    }
    const present = await Deno.readTextFile(`${dir}/${name}`);
    if (present !== serializeMigration(file)) {
      throw new KyrageError(
        `${dir}/${name} already exists and is not the import of upstream's migration ` +
          `${file.createdAt}; move it away first. Nothing was imported.`,
      );
    }
  }
  return toWrite;
}

/** Upstream's `timestamp` column is an ISO string; keep it when it is one. */
function appliedAtOf(row: UpstreamHistoryRow): string {
  const time = new Date(row.timestamp);
  return Number.isNaN(time.getTime()) ? new Date().toISOString() : time.toISOString();
}

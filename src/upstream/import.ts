/**
 * `import-upstream`: switch a project of @izumisy/kyrage to kyrage. Its
 * `migrations/<epoch-ms>.json` files are converted to kyrage files with the
 * same instant as id (order and time order kept); the ones upstream applied
 * (rows of `public.kysely_migration`) are recorded in kyrage's history with
 * their checksums, at upstream's apply time, without running anything.
 * Upstream's files and tables are left as they are. Running it again
 * changes nothing.
 */
import { sql } from "kysely";
import type { Database } from "../dialect/database.ts";
import { KyrageError } from "../errors.ts";
import { type MigrationFile, serializeMigration } from "../migrations/file.ts";
import { ensureHistoryTable, HISTORY_QUALIFIED, readHistory } from "../migrations/history.ts";
import { lockMigrationsDir } from "../migrations/lock.ts";
import { readMigration, writeMigration } from "../migrations/store.ts";
import { convertUpstream } from "./convert.ts";
import { readUpstreamFiles, type UpstreamFile } from "./files.ts";

export interface UpstreamHistoryRow {
  readonly name: string;
  readonly timestamp: string;
}

export interface ImportResult {
  readonly upstreamFiles: readonly UpstreamFile[];
  /** kyrage files written now (an earlier import's are kept as they are). */
  readonly written: readonly string[];
  /** kyrage ids recorded as applied now. */
  readonly recorded: readonly string[];
  /** Rows of kysely_migration with no upstream file (hand-written Kysely migrations). */
  readonly unknownHistory: readonly string[];
}

/** Upstream's history; none when the table is absent. */
export async function readUpstreamHistory(database: Database): Promise<UpstreamHistoryRow[]> {
  const exists = await sql<{ found: boolean }>`
    select to_regclass('public.kysely_migration') is not null as found`.execute(database.db);
  if (!exists.rows[0].found) return [];
  const rows = await sql<UpstreamHistoryRow>`
    select name, timestamp from public.kysely_migration order by timestamp, name`.execute(database.db);
  return rows.rows;
}

export async function importUpstream(database: Database, migrationsDir: string): Promise<ImportResult> {
  using _lock = await lockMigrationsDir(migrationsDir, "import-upstream");
  const names = await Array.fromAsync(Deno.readDir(migrationsDir)).then(
    (entries) => entries.filter((e) => e.isFile && e.name.endsWith(".json")).map((e) => e.name),
    () => [] as string[],
  );
  const upstreamFiles = await readUpstreamFiles(migrationsDir, names);
  if (upstreamFiles.length === 0) {
    throw new KyrageError(
      `${migrationsDir} holds no migration file of @izumisy/kyrage (\`{ "version": "1", "id", "diff": ... }\`); ` +
        "nothing to import.",
    );
  }
  const converted = convertUpstream(upstreamFiles.map((f) => f.migration));
  // Everything is checked before anything is written.
  const existing = new Set(names);
  const toWrite: MigrationFile[] = [];
  for (const file of converted) {
    const name = `${file.id}.json`;
    if (!existing.has(name)) {
      toWrite.push(file);
      continue;
    }
    const present = await Deno.readTextFile(`${migrationsDir}/${name}`);
    if (present !== serializeMigration(file)) {
      throw new KyrageError(
        `${migrationsDir}/${name} already exists and is not the import of upstream's migration ` +
          `${file.createdAt}; move it away first. Nothing was imported.`,
      );
    }
  }
  const history = await readUpstreamHistory(database);
  const byUpstreamId = new Map(upstreamFiles.map((f, i) => [f.migration.id, converted[i]]));
  const unknownHistory = history.filter((row) => !byUpstreamId.has(row.name)).map((row) => row.name);

  const written: string[] = [];
  for (const file of toWrite) written.push(await writeMigration(migrationsDir, file));

  const recordedAlready = new Set((await readHistory(database.db)).map((a) => a.id));
  const toRecord: { id: string; checksum: string; appliedAt: string }[] = [];
  for (const row of history) {
    const file = byUpstreamId.get(row.name);
    if (!file || recordedAlready.has(file.id)) continue;
    const stored = await readMigration(`${migrationsDir}/${file.id}.json`);
    toRecord.push({ id: stored.id, checksum: stored.checksum, appliedAt: appliedAtOf(row) });
  }
  if (toRecord.length > 0) {
    await database.db.transaction().execute(async (tx) => {
      await ensureHistoryTable(tx);
      for (const r of toRecord) {
        await sql`insert into ${sql.table(HISTORY_QUALIFIED)} (id, checksum, applied_at)
          values (${r.id}, ${r.checksum}, ${r.appliedAt}::timestamptz)`.execute(tx);
      }
    });
  }
  return { upstreamFiles, written, recorded: toRecord.map((r) => r.id), unknownHistory };
}

/** Upstream's `timestamp` column is an ISO string; keep it when it is one. */
function appliedAtOf(row: UpstreamHistoryRow): string {
  const time = new Date(row.timestamp);
  return Number.isNaN(time.getTime()) ? new Date().toISOString() : time.toISOString();
}

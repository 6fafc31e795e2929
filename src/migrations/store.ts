/** The migrations directory: list, read, checksum and write migration files. */
import { KyrageError, messageOf } from "../errors.ts";
import { withoutImportedUpstream } from "../upstream/files.ts";
import { type MigrationFile, migrationId, parseMigration, serializeMigration } from "./file.ts";

export interface StoredMigration {
  readonly id: string;
  readonly path: string;
  /** SHA-256 of the file's bytes, recorded in the history when applied. */
  readonly checksum: string;
  readonly file: MigrationFile;
}

async function checksumOf(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The names of the `*.json` files in `dir`, sorted. A missing dir is empty. */
async function jsonNames(dir: string): Promise<string[]> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new KyrageError(`Cannot read the migrations directory ${dir}: ${messageOf(error)}`);
  }
  return entries.filter((e) => e.isFile && e.name.endsWith(".json")).map((e) => e.name).sort();
}

/**
 * Stop when `dir` holds files of @izumisy/kyrage not imported yet, for the
 * commands that read no migration (plan): only files not named like
 * kyrage's own are opened.
 */
export async function refuseUnimportedUpstream(dir: string): Promise<void> {
  await withoutImportedUpstream(dir, await jsonNames(dir));
}

/** Every `*.json` in `dir`, validated, in id order. A missing dir is empty. */
export async function readMigrations(dir: string): Promise<StoredMigration[]> {
  const names = await withoutImportedUpstream(dir, await jsonNames(dir));
  const migrations = await Promise.all(names.map((name) => readMigration(`${dir}/${name}`)));
  for (const m of migrations) {
    const expected = `${m.id}.json`;
    if (!m.path.endsWith(`/${expected}`)) {
      throw new KyrageError(
        `Migration file ${m.path} holds id ${m.id}; its name must be ${expected}. Nothing was applied.`,
      );
    }
  }
  return migrations;
}

export async function readMigration(path: string): Promise<StoredMigration> {
  const bytes = await Deno.readFile(path);
  const file = parseMigration(new TextDecoder().decode(bytes), path);
  return { id: file.id, path, checksum: await checksumOf(bytes), file };
}

/** A new id, later than every existing one even within one millisecond. */
export function nextMigrationId(existing: readonly { id: string }[], now = new Date()): string {
  let id = migrationId(now);
  const newest = existing.at(-1)?.id;
  if (newest !== undefined && id <= newest) id = (BigInt(newest) + 1n).toString();
  return id;
}

/** Write atomically (temp file + rename) so a crash never leaves half a file. */
export async function writeMigration(dir: string, file: MigrationFile): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${file.id}.json`;
  const temp = `${path}.tmp`;
  await Deno.writeTextFile(temp, serializeMigration(file));
  await Deno.rename(temp, path);
  return path;
}

/** The migrations directory: list, read, checksum and write migration files. */
import { KyrageError, messageOf } from "../errors.ts";
import { withoutImportedUpstream } from "../upstream/files.ts";
import { type MigrationFile, migrationId, migrationTime, parseMigration, serializeMigration } from "./file.ts";

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
  const json = entries.filter((e) => e.name.endsWith(".json"));
  // A symbolic link (a shared or vendored migration) is read through, never skipped unseen.
  const links = await Promise.all(json.filter((e) => e.isSymlink).map((e) => linkedFile(`${dir}/${e.name}`)));
  return [...json.filter((e) => e.isFile).map((e) => e.name), ...links.filter((l) => l !== undefined)].sort();
}

/** The name of a link to a file; a dangling link is refused (it is a migration that cannot be read). */
async function linkedFile(path: string): Promise<string | undefined> {
  let target: Deno.FileInfo;
  try {
    target = await Deno.stat(path);
  } catch (error) {
    throw new KyrageError(
      `Migration file ${path} is a symbolic link that cannot be followed: ${messageOf(error)}. Nothing was done.`,
    );
  }
  return target.isFile ? path.slice(path.lastIndexOf("/") + 1) : undefined;
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
  const newest = existing.at(-1)?.id;
  const id = migrationId(now);
  return newest === undefined || id > newest ? id : migrationIdAfter(newest);
}

/** One millisecond after `id`, so the id is still a time (adding 1 to the number gives second 60, or 18 digits). */
export function migrationIdAfter(id: string): string {
  const after = new Date(migrationTime(id)!.getTime() + 1);
  if (after.getUTCFullYear() > 9999) {
    throw new KyrageError(
      `No migration id sorts after ${id}; give that migration its real creation time as id (file name and "id").`,
    );
  }
  return migrationId(after);
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

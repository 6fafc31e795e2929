/**
 * Read a tar archive (PGlite's `dumpDataDir` format: ustar, regular files
 * and directories) and write its entries into a directory. Writing the files
 * directly takes a fraction of the time PGlite needs to load the same image
 * into an on-disk data directory through its virtual file system, and far
 * less memory.
 */

const BLOCK = 512;
const decoder = new TextDecoder();

/** A file (with its bytes) or a directory (`data` undefined); `name` is relative, "" for the archive's root. */
export interface TarEntry {
  readonly name: string;
  readonly mode: number;
  readonly data?: Uint8Array;
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

function octal(bytes: Uint8Array, what: string): number {
  const value = text(bytes).trim();
  if (!/^[0-7]*$/.test(value)) throw new Error(`not a tar archive (${what} ${JSON.stringify(value)})`);
  return value === "" ? 0 : parseInt(value, 8);
}

/** Every entry of `archive`, checked whole before anything is written: throws on anything but plain files and directories. */
export function readTar(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  for (let at = 0;;) {
    if (at + BLOCK > archive.length) throw new Error("tar archive has no end marker (truncated)");
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return entries;
    const name = [text(header.subarray(345, 500)), text(header.subarray(0, 100))].filter(Boolean).join("/");
    const size = octal(header.subarray(124, 136), "size");
    const mode = octal(header.subarray(100, 108), "mode") & 0o777;
    const type = String.fromCharCode(header[156]);
    const parts = name.split("/").filter((p) => p !== "" && p !== ".");
    if ((parts.length === 0 && type !== "5") || parts.includes("..")) {
      throw new Error(`tar entry with an unsafe name: ${name}`);
    }
    at += BLOCK;
    if (at + size > archive.length) throw new Error(`tar archive truncated in ${name}`);
    if (type === "5") entries.push({ name: parts.join("/"), mode: mode || 0o700 });
    else if (type === "0" || type === "\0") {
      entries.push({ name: parts.join("/"), mode: mode || 0o600, data: archive.subarray(at, at + size) });
    } else throw new Error(`tar entry ${name} of type ${JSON.stringify(type)} is not a file or directory`);
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
}

/**
 * Write `entries` under `dir` (which must exist), one file after another:
 * creating files is the file system's work, and a thousand writes started at
 * once only add threads fighting over the same directories.
 */
export function writeTar(entries: readonly TarEntry[], dir: string): void {
  const made = new Set([dir]);
  for (const entry of entries) {
    const path = entry.name === "" ? dir : `${dir}/${entry.name}`;
    if (!entry.data) {
      Deno.mkdirSync(path, { recursive: true, mode: entry.mode });
      made.add(path);
      continue;
    }
    const parent = path.slice(0, path.lastIndexOf("/"));
    if (!made.has(parent)) {
      Deno.mkdirSync(parent, { recursive: true, mode: 0o700 });
      made.add(parent);
    }
    Deno.writeFileSync(path, entry.data, { mode: entry.mode });
  }
}

/** Extract `archive` under `dir` (which must exist); throws on anything but plain files and directories. */
export function extractTar(archive: Uint8Array, dir: string): void {
  writeTar(readTar(archive), dir);
}

/**
 * Write a tar archive (PGlite's `dumpDataDir` format: ustar, regular files
 * and directories) into a directory. Writing the files directly takes a
 * fraction of the time PGlite needs to load the same image into an on-disk
 * data directory through its virtual file system, and far less memory.
 */

const BLOCK = 512;
const decoder = new TextDecoder();

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

function octal(bytes: Uint8Array, what: string): number {
  const value = text(bytes).trim();
  if (!/^[0-7]*$/.test(value)) throw new Error(`not a tar archive (${what} ${JSON.stringify(value)})`);
  return value === "" ? 0 : parseInt(value, 8);
}

/** Extract `archive` under `dir` (which must exist); throws on anything but plain files and directories. */
export async function extractTar(archive: Uint8Array, dir: string): Promise<void> {
  const writes: Promise<void>[] = [];
  const made = new Set([dir]);
  try {
    for (let at = 0;;) {
      if (at + BLOCK > archive.length) throw new Error("tar archive has no end marker (truncated)");
      const header = archive.subarray(at, at + BLOCK);
      if (header.every((b) => b === 0)) break;
      const name = [text(header.subarray(345, 500)), text(header.subarray(0, 100))].filter(Boolean).join("/");
      const size = octal(header.subarray(124, 136), "size");
      const mode = octal(header.subarray(100, 108), "mode") & 0o777;
      const type = String.fromCharCode(header[156]);
      const parts = name.split("/").filter((p) => p !== "" && p !== ".");
      const root = parts.length === 0 && type === "5";
      if ((parts.length === 0 && !root) || parts.includes("..")) {
        throw new Error(`tar entry with an unsafe name: ${name}`);
      }
      const path = root ? dir : `${dir}/${parts.join("/")}`;
      at += BLOCK;
      if (at + size > archive.length) throw new Error(`tar archive truncated in ${name}`);
      if (type === "5") {
        await Deno.mkdir(path, { recursive: true, mode: mode || 0o700 });
        made.add(path);
      } else if (type === "0" || type === "\0") {
        const parent = path.slice(0, path.lastIndexOf("/"));
        if (!made.has(parent)) {
          await Deno.mkdir(parent, { recursive: true, mode: 0o700 });
          made.add(parent);
        }
        const write = Deno.writeFile(path, archive.subarray(at, at + size), { mode: mode || 0o600 });
        write.catch(() => {}); // seen below: a failure meanwhile must not count as unhandled
        writes.push(write);
      } else {
        throw new Error(`tar entry ${name} of type ${JSON.stringify(type)} is not a file or directory`);
      }
      at += Math.ceil(size / BLOCK) * BLOCK;
    }
  } catch (error) {
    // Nothing is left writing into the directory when this throws.
    await Promise.allSettled(writes);
    throw error;
  }
  await Promise.all(writes);
}

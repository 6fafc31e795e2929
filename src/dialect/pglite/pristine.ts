/**
 * Initializing an empty PGlite cluster costs ~2 s; loading a saved image of
 * one costs ~0.5 s. The first new database on a machine (in memory or on
 * disk) saves its pristine image in the user's cache directory (per PGlite
 * version); later ones start from it. An on-disk one gets the image's files
 * written directly, then is opened as an existing directory: PGlite's own
 * loading through its virtual file system is 4x slower and takes 200 MB
 * more. Caching is best effort: any failure falls back to initializing.
 */
import { type Extensions, PGlite } from "@electric-sql/pglite";
import denoJson from "../../../deno.json" with { type: "json" };
import { extractTar } from "./untar.ts";

const PGLITE_VERSION = denoJson.imports["@electric-sql/pglite"].split("@").at(-1);

function cachePath(): string | undefined {
  const base = Deno.env.get("XDG_CACHE_HOME") ??
    (Deno.env.get("HOME") ? `${Deno.env.get("HOME")}/.cache` : undefined);
  return base ? `${base}/kyrage/pglite-${PGLITE_VERSION}-pristine.tar` : undefined;
}

/** Whether a new database will start from the cached image (fast) or be initialized (slow, once per machine). */
export async function hasPristineImage(): Promise<boolean> {
  const path = cachePath();
  return path !== undefined && await Deno.stat(path).then(() => true, () => false);
}

/** A new, empty cluster in memory (`dataDir` undefined) or in a new, empty directory. */
export async function createPristine(dataDir?: string, extensions: Extensions = {}): Promise<PGlite> {
  const path = cachePath();
  const image = path ? await Deno.readFile(path).catch(() => undefined) : undefined;
  if (image) {
    try {
      if (!dataDir) return await PGlite.create("memory://", { loadDataDir: new Blob([image]), extensions });
      await extractTar(image, dataDir);
      return await PGlite.create(dataDir, { extensions });
    } catch {
      // A damaged image: initialize below and overwrite it.
      if (dataDir) await emptyDirectory(dataDir);
    }
  }
  const pglite = await PGlite.create(dataDir ?? "memory://", { extensions });
  if (path) await savePristine(pglite, path).catch(() => {});
  return pglite;
}

async function emptyDirectory(dir: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) await Deno.remove(`${dir}/${entry.name}`, { recursive: true });
}

async function savePristine(pglite: PGlite, path: string): Promise<void> {
  const dump = await pglite.dumpDataDir("none");
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  const temp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeFile(temp, new Uint8Array(await dump.arrayBuffer()));
  await Deno.rename(temp, path);
}

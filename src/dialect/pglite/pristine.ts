/**
 * Initializing an empty PGlite cluster costs 3 to 4 s and up to 1 GB on a
 * 2-core machine; starting from a saved image of one costs well under a
 * second. The first new database on a machine (in memory or on disk) saves
 * its pristine image in the user's cache directory (per PGlite version);
 * later ones start from it. An on-disk one gets the image's files written
 * directly, then is opened as an existing directory: PGlite's own loading
 * through its virtual file system is 4x slower and takes 200 MB more.
 * Caching is best effort: any failure falls back to initializing
 * (announced: it takes seconds).
 */
import { type Extensions, PGlite } from "@electric-sql/pglite";
import denoJson from "../../../deno.json" with { type: "json" };
import { announceInitializing } from "./initializing.ts";
import { extractTar } from "./untar.ts";
import { pgliteOptions } from "./options.ts";

const PGLITE_VERSION = denoJson.imports["@electric-sql/pglite"].split("@").at(-1);

function cachePath(): string | undefined {
  const base = Deno.env.get("XDG_CACHE_HOME") ??
    (Deno.env.get("HOME") ? `${Deno.env.get("HOME")}/.cache` : undefined);
  return base ? `${base}/kyrage/pglite-${PGLITE_VERSION}-pristine.tar` : undefined;
}

/** A new, empty cluster in memory (`dataDir` undefined) or in a new, empty directory. */
export async function createPristine(dataDir?: string, extensions: Extensions = {}): Promise<PGlite> {
  const path = cachePath();
  const image = path ? await readImage(path) ?? await announceInitializing(() => buildImage(path)) : undefined;
  if (image) {
    try {
      if (!dataDir) {
        return await PGlite.create("memory://", { ...pgliteOptions(extensions), loadDataDir: new Blob([image]) });
      }
      await writeWhole(image, dataDir);
      return await PGlite.create(dataDir, pgliteOptions(extensions));
    } catch {
      // A damaged image: initialize below and overwrite it.
      if (dataDir) await emptyDirectory(dataDir);
    }
  }
  return await announceInitializing(async () => {
    const pglite = await PGlite.create(dataDir ?? "memory://", pgliteOptions(extensions));
    if (path) await savePristine(pglite, path).catch(() => {});
    return pglite;
  });
}

/**
 * Write the image's files into a directory beside `dataDir` and rename it
 * into place: a command killed meanwhile leaves no half-written database,
 * which PGlite would initialize anew over the leftover files.
 */
async function writeWhole(image: Uint8Array, dataDir: string): Promise<void> {
  const stage = `${dataDir}.creating`;
  await Deno.remove(stage, { recursive: true }).catch(() => {});
  await Deno.mkdir(stage);
  extractTar(image, stage);
  await Deno.remove(dataDir);
  await Deno.rename(stage, dataDir);
}

function readImage(path: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  return Deno.readFile(path).catch(() => undefined);
}

/**
 * Initialize the image in a Worker: PGlite's initdb blocks its thread for
 * seconds, and this one keeps the progress line counting meanwhile.
 */
async function buildImage(path: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const worker = new Worker(new URL("./image_worker.ts", import.meta.url), { type: "module" });
  try {
    const built = await new Promise<boolean>((resolve) => {
      worker.onmessage = (event: MessageEvent<{ ok: boolean }>) => resolve(event.data.ok);
      worker.onerror = (event) => {
        event.preventDefault();
        resolve(false);
      };
      worker.postMessage({ path });
    });
    return built ? await readImage(path) : undefined;
  } finally {
    worker.terminate();
  }
}

async function emptyDirectory(dir: string): Promise<void> {
  await Deno.remove(`${dir}.creating`, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  for await (const entry of Deno.readDir(dir)) await Deno.remove(`${dir}/${entry.name}`, { recursive: true });
}

/** Write `pglite`'s files as the cached image, atomically (concurrent writers each rename a whole file). */
export async function savePristine(pglite: PGlite, path: string): Promise<void> {
  const dump = await pglite.dumpDataDir("none");
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  const temp = `${path}.${Deno.pid}.${crypto.randomUUID()}.tmp`;
  await Deno.writeFile(temp, new Uint8Array(await dump.arrayBuffer()));
  await Deno.rename(temp, path);
}

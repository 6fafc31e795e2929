/**
 * The local files a config imports, followed through nested imports: the
 * set of files whose save should trigger a re-plan. Only relative imports
 * count (packages and `kyrage` do not change while you edit); one without
 * an extension resolves as the config loader resolves it.
 */
import { dirname, resolve } from "node:path";

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s*["']([^"']+)["']/g;

export async function localImports(entry: string): Promise<Set<string>> {
  const found = new Set<string>();
  const visit = async (file: string) => {
    if (found.has(file)) return;
    found.add(file);
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      return; // a missing import is reported by the load, not here
    }
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier.startsWith("./") || specifier.startsWith("../")) {
        await visit(await sloppy(resolve(dirname(file), specifier)));
      }
    }
  };
  await visit(resolve(entry));
  return found;
}

/** `./schema` → `./schema.ts` (or .tsx, .js, ..., or an index file), as Deno's sloppy imports resolve it. */
async function sloppy(path: string): Promise<string> {
  const isFile = (p: string) => Deno.stat(p).then((s) => s.isFile, () => false);
  if (await isFile(path)) return path;
  for (const candidate of [".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.js"].map((e) => path + e)) {
    if (await isFile(candidate)) return candidate;
  }
  return path;
}

/**
 * A fresh PGlite data directory takes seconds to initialize; copying one
 * and reopening it takes a fraction of that. Tests copy this template.
 */
import { PGlite } from "@electric-sql/pglite";

export async function createPgliteTemplate(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "kyrage-pglite-template-" });
  const pglite = await PGlite.create(dir);
  await pglite.close();
  return dir;
}

export async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyDir(source, target);
    else if (entry.isFile) await Deno.copyFile(source, target);
  }
}

/** The tar reader that writes a cached PGlite image into a new data directory. */
import assert from "node:assert/strict";
import { extractTar } from "../../src/dialect/pglite/untar.ts";

async function tarOf(files: Record<string, string>): Promise<Uint8Array> {
  const source = await Deno.makeTempDir();
  for (const [name, text] of Object.entries(files)) {
    await Deno.mkdir(`${source}/${name.slice(0, name.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${source}/${name}`, text);
  }
  const archive = `${source}.tar`;
  const out = await new Deno.Command("tar", { args: ["--format=ustar", "-cf", archive, "-C", source, "."] }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const bytes = await Deno.readFile(archive);
  await Deno.remove(source, { recursive: true });
  await Deno.remove(archive);
  return bytes;
}

// Over 100 characters: ustar splits it between its name and prefix fields.
const LONG = `base/${"d".repeat(60)}/${"e".repeat(50)}/file`;

Deno.test("a tar archive is written out file for file, nested and long names included", async () => {
  const files = { "PG_VERSION": "18\n", "base/1/1259": "x".repeat(70_000), [LONG]: "deep", "global/empty": "" };
  const dir = await Deno.makeTempDir();
  extractTar(await tarOf(files), dir);
  for (const [name, text] of Object.entries(files)) assert.equal(await Deno.readTextFile(`${dir}/${name}`), text, name);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a truncated or foreign archive is refused (the caller then initializes a new database)", async () => {
  const archive = await tarOf({ "PG_VERSION": "18\n", "base/1/1259": "x".repeat(70_000) });
  const dir = await Deno.makeTempDir();
  assert.throws(() => extractTar(archive.subarray(0, 2048), dir), /truncated/);
  assert.throws(() => extractTar(new TextEncoder().encode("not a tar ".repeat(100)), dir), /not a tar/);
  assert.deepEqual([...Deno.readDirSync(dir)], [], "the whole archive is read before anything is written");
  await Deno.remove(dir, { recursive: true });
});

/** A damaged cached image never breaks a new embedded database: it is initialized instead, and the image replaced. */
import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import { runCli, spawnCli, tempProject } from "../support/cli.ts";

const CONFIG = `import { defineConfig, defineTable, column } from "kyrage";
export default defineConfig({ database: { dialect: "pglite", dataDir: "db" }, tables: [defineTable("t", { id: column("int") })] });`;

Deno.test({
  name: "a truncated cached image: the new database is initialized, works, and the image is written anew",
  sanitizeResources: false,
  async fn() {
    const cache = await Deno.makeTempDir({ prefix: "kyrage-cache-" });
    const env = { XDG_CACHE_HOME: cache };
    const warm = await tempProject({ "kyrage.config.ts": CONFIG });
    assert.equal((await runCli(["plan", "--exit-code"], { cwd: warm, env })).code, 2);
    const [image] = [...Deno.readDirSync(`${cache}/kyrage`)].filter((e) => e.name.endsWith("-pristine.tar"));
    const path = `${cache}/kyrage/${image.name}`;
    const whole = (await Deno.stat(path)).size;
    await Deno.truncate(path, 1_000_000);

    const project = await tempProject({ "kyrage.config.ts": CONFIG });
    const generated = await runCli(["generate"], { cwd: project, env });
    assert.equal(generated.code, 0, generated.stderr);
    const applied = await runCli(["apply"], { cwd: project, env });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((await runCli(["plan", "--exit-code"], { cwd: project, env })).code, 0);
    assert.equal((await Deno.stat(path)).size, whole, "the damaged image is replaced by a whole one");
    await Deno.remove(cache, { recursive: true });
  },
});

/** Wait for `found` to hold, checking every few milliseconds; false if `child` ends first. */
async function whileRunning(child: Deno.ChildProcess, found: () => boolean): Promise<boolean> {
  let ended = false;
  child.status.then(() => (ended = true));
  while (!ended) {
    if (found()) return true;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}

function writingDataDir(kyrageDir: string): boolean {
  try {
    return [...Deno.readDirSync(kyrageDir)].some((entry) => {
      try {
        return entry.isDirectory && Deno.statSync(`${kyrageDir}/${entry.name}/base`).isDirectory;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

async function systemIdentifier(dataDir: string): Promise<string> {
  const pglite = await PGlite.create(dataDir);
  try {
    return (await pglite.query<{ id: string }>("select system_identifier::text as id from pg_control_system()")).rows[0]
      .id;
  } finally {
    await pglite.close();
  }
}

Deno.test({
  name: "killed while it writes a new embedded database, the next command finds none or a whole one",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cache = await Deno.makeTempDir({ prefix: "kyrage-cache-" });
    const env = { XDG_CACHE_HOME: cache };
    const warm = await tempProject({ "kyrage.config.ts": CONFIG });
    assert.equal((await runCli(["plan", "--exit-code"], { cwd: warm, env })).code, 2, "the image is cached");
    const image = await systemIdentifier(`${warm}/db`);
    for (let round = 0; round < 3; round++) {
      const project = await tempProject({ "kyrage.config.ts": CONFIG });
      const child = spawnCli(["plan"], { cwd: project, env });
      // The image's files are being written: a data directory (staged or not) has its base/ but not all of it yet.
      const caught = await whileRunning(child, () => writingDataDir(project));
      if (caught) child.kill("SIGKILL");
      await child.output();
      assert.ok(caught, `round ${round}: the command ended before its database's files were seen being written`);
      const next = await runCli(["plan", "--exit-code"], { cwd: project, env });
      assert.equal(next.code, 2, `round ${round}: ${next.stderr}`);
      assert.match(next.stdout, /CREATE TABLE/);
      // Not a cluster initialized anew over the leftover files (seconds and a gigabyte): the image's own.
      assert.equal(await systemIdentifier(`${project}/db`), image, `round ${round}: started from the image`);
      const applied = await runCli(["apply"], { cwd: project, env });
      assert.equal(applied.code, 0, `round ${round}: ${applied.stderr}`);
    }
    await Deno.remove(cache, { recursive: true });
  },
});

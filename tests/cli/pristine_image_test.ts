/** A damaged cached image never breaks a new embedded database: it is initialized instead, and the image replaced. */
import assert from "node:assert/strict";
import { runCli, tempProject } from "../support/cli.ts";

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

/** The embedded database's failure modes give clear errors, never a hang or a trace. */
import assert from "node:assert/strict";
import { CompiledQuery } from "kysely";
import { openFreshPglite, openPglite } from "../../src/dialect/pglite/connect.ts";
import { DENO_CONFIG, MAIN, runCli, tempProject } from "../support/cli.ts";
import { copyDir } from "../support/pglite_template.ts";
import { createTestDatabase } from "../support/backends.ts";

const CONFIG = `import { defineConfig, defineTable, column } from "kyrage";
export default defineConfig({ database: { dialect: "pglite", dataDir: "db" }, tables: [defineTable("t", { id: column("int") })] });`;

Deno.test({
  name: "a data directory held by another process is refused with a clear error",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const template = await createTestDatabase("pglite");
    const dir = await tempProject({ "kyrage.config.ts": CONFIG });
    await copyDir(template.dataDir!, `${dir}/db`);
    const holder = await openPglite(`${dir}/db`);
    try {
      const result = await runCli(["plan"], { cwd: dir });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^error: The embedded database .*\/db is in use by another kyrage process/m);
    } finally {
      await holder.close();
      await template.dispose();
    }
    const after = await runCli(["plan", "--exit-code"], { cwd: dir });
    assert.equal(after.code, 2, `usable once released: ${after.stderr}`);
  },
});

Deno.test("a damaged data directory names the directory and what to do", async () => {
  const dir = await tempProject({ "kyrage.config.ts": CONFIG, "db/PG_VERSION": "garbage\n", "db/base/1/junk": "x" });
  const result = await runCli(["plan"], { cwd: dir });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: Cannot open the embedded database in .*\/db: .*move it away/m);
});

Deno.test({
  name: "a new embedded database starts from the cached image; only the first on a machine initializes, and says so",
  sanitizeResources: false,
  async fn() {
    const cache = await Deno.makeTempDir({ prefix: "kyrage-cache-" });
    const env = { XDG_CACHE_HOME: cache };
    const first = await tempProject({ "kyrage.config.ts": CONFIG });
    const slow = await runCli(["plan", "--exit-code"], { cwd: first, env });
    assert.equal(slow.code, 2, slow.stderr);
    assert.match(slow.stderr, /Creating the embedded database in .*\/db\.$/m);
    assert.match(slow.stderr, /^Initializing the embedded PostgreSQL \(PGlite\)\.\.\. this happens once per machine,/m);
    assert.doesNotMatch(slow.stderr, /\r/, "not a terminal: the progress line is printed once, never rewritten");
    assert.ok(
      [...Deno.readDirSync(`${cache}/kyrage`)].some((e) => e.name.endsWith("-pristine.tar")),
      "the image is cached",
    );
    const second = await tempProject({ "kyrage.config.ts": CONFIG });
    const fast = await runCli(["apply"], { cwd: second, env });
    assert.equal(fast.code, 0, fast.stderr);
    assert.match(fast.stderr, /Creating the embedded database in .*\/db\.$/m);
    assert.doesNotMatch(fast.stderr, /Initializing/, "a cached image needs no initialization");
    const generated = await runCli(["generate"], { cwd: second, env });
    assert.equal(generated.code, 0, generated.stderr);
    assert.equal((await runCli(["apply"], { cwd: second, env })).code, 0);
    const reopened = await runCli(["plan", "--exit-code"], { cwd: second, env });
    assert.equal(reopened.code, 0, "a database made from the image persists and reopens");
    assert.doesNotMatch(reopened.stderr, /Creating/, "an existing database is only opened");
    await Deno.remove(cache, { recursive: true });
  },
});

Deno.test({
  name: "on a terminal, the first initialization on a machine counts its seconds in place on one stderr line",
  sanitizeResources: false,
  async fn() {
    const cache = await Deno.makeTempDir({ prefix: "kyrage-cache-" });
    const dir = await tempProject({ "kyrage.config.ts": CONFIG });
    // script(1) gives the CLI a terminal, as a user's shell does.
    const cli = [Deno.execPath(), "run", "--allow-all", "--config", DENO_CONFIG, MAIN, "plan"]
      .map((arg) => `'${arg}'`).join(" ");
    const { DATABASE_URL: _url, INIT_CWD: _cwd, ...inherited } = Deno.env.toObject();
    const output = await new Deno.Command("script", {
      args: ["-qefc", cli, "/dev/null"],
      cwd: dir,
      env: { ...inherited, NO_COLOR: "1", XDG_CACHE_HOME: cache },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, text);
    // Each rendering returns to the line's start and erases it first.
    const renderings = text.split("\r\x1b[K").slice(1);
    const ticks = renderings.flatMap((r) => {
      const tick = /^Initializing the embedded PostgreSQL \(PGlite\)\.\.\. (\d+\.\d) s$/.exec(r);
      return tick ? [Number(tick[1])] : [];
    });
    assert.ok(ticks.length >= 3, `the line is rewritten as seconds pass (${ticks.length} renderings)`);
    assert.ok(ticks.at(-1)! > ticks[0], "the count goes up");
    assert.ok(ticks.every((_, i) => i === 0 || ticks[i] >= ticks[i - 1]), "counted in order");
    assert.match(
      renderings.at(-1)!,
      /^Initializing the embedded PostgreSQL \(PGlite\)\.\.\. done in \d+\.\d s; this happens once per machine/,
    );
    await Deno.remove(cache, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("the embedded database runs with 16 MB of shared buffers, a new one and a reopened one", async () => {
  const dir = await tempProject({});
  const shared = async (open: () => ReturnType<typeof openPglite>) => {
    const db = await open();
    try {
      return (await db.db.executeQuery(CompiledQuery.raw("show shared_buffers"))).rows;
    } finally {
      await db.close();
    }
  };
  assert.deepEqual(await shared(() => openPglite(`${dir}/db`)), [{ shared_buffers: "16MB" }]);
  assert.deepEqual(await shared(() => openPglite(`${dir}/db`)), [{ shared_buffers: "16MB" }]);
  assert.deepEqual(await shared(() => openFreshPglite()), [{ shared_buffers: "16MB" }]);
});

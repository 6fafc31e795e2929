/**
 * The compiled-mode contract, as far as it can be tested without `denort`:
 * the CLI under `deno run` with exactly the compiled binary's permissions,
 * `--cached-only` (no downloads), from a temp directory with no deno.json,
 * loading a config that imports `kyrage` and a local `./schema.ts`.
 */
import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { RUNTIME_PERMISSIONS } from "../../scripts/permissions.ts";
import { createTestDatabase } from "../support/backends.ts";
import { DENO_CONFIG, MAIN, tempProject } from "../support/cli.ts";

async function proxy(cwd: string, ...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--cached-only", ...RUNTIME_PERMISSIONS, "--config", DENO_CONFIG, MAIN, ...args],
    cwd,
    env: {
      NO_COLOR: "1",
      HOME: Deno.env.get("HOME") ?? cwd,
      PATH: Deno.env.get("PATH") ?? "",
      // The module cache is where `deno cache` put it (a compiled binary carries its own).
      ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("every Worker module src/ starts by URL is included in the compiled binary", async () => {
  const root = new URL("../../", import.meta.url);
  const compile = await Deno.readTextFile(new URL("scripts/compile.ts", root));
  const included = [...compile.matchAll(/"--include",\s*"([^"]+)"/g)].map((m) => m[1]);
  const workers: string[] = [];
  for await (const file of walk(new URL("src/", root))) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(/new Worker\(new URL\("([^"]+)", import\.meta\.url\)/g)) {
      workers.push(new URL(m[1], file).pathname.slice(root.pathname.length));
    }
  }
  assert.ok(workers.length >= 2, `Workers found: ${workers}`);
  assert.deepEqual(workers.filter((w) => !included.includes(w)), [], "Workers missing from scripts/compile.ts");
});

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

Deno.test("the kyrage task runs with exactly the compiled permissions", () => {
  const task = denoJson.tasks.kyrage.command;
  assert.equal(task, `deno run ${RUNTIME_PERMISSIONS.join(" ")} src/main.ts`);
});

Deno.test({
  name: "compiled-mode proxy: narrow permissions, cached only, no deno.json, config importing kyrage and ./schema.ts",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // What `deno compile` embeds: the CLI's whole module graph, dynamic imports included.
    const cached = await new Deno.Command(Deno.execPath(), { args: ["cache", "--config", DENO_CONFIG, MAIN] }).output();
    assert.ok(cached.success, "the module graph caches");
    const dir = await tempProject({
      "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { users } from "./schema.ts";
export default defineConfig({ tables: [users] });`,
      "schema.ts": `import { column, defineTable } from "kyrage";
export const users = defineTable("users", { id: column("bigserial", { primaryKey: true }), email: column("text") });`,
    });
    assert.throws(() => Deno.statSync(`${dir}/deno.json`));

    const version = await proxy(dir, "--version");
    assert.equal(version.stdout.trim(), denoJson.version, version.stderr);
    for (const args of [["--help"], ["plan", "--help"], ["watch", "--help"]]) {
      const help = await proxy(dir, ...args);
      assert.equal(help.code, 0, `${args.join(" ")}: ${help.stderr}`);
      assert.match(help.stdout, /Usage: kyrage/);
    }
    const plan = await proxy(dir, "plan", "--dev");
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /CREATE TABLE "public"\."users"/);
    const generate = await proxy(dir, "generate", "--dev");
    assert.equal(generate.code, 0, generate.stderr);
    const check = await proxy(dir, "check");
    assert.equal(check.code, 0, check.stderr);
    const apply = await proxy(dir, "apply");
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /Applied 1 migration to pglite:/, "the embedded PGlite works under these permissions");
    for (
      const args of [["status", "--json"], ["rebaseline"], ["generate", "--squash"], ["pull", "--out", "pulled.ts"]]
    ) {
      const result = await proxy(dir, ...args);
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    }

    // And a PostgreSQL server through postgres.js, which reads PG* variables and the OS user.
    const server = await createTestDatabase("postgres");
    try {
      const plan = await proxy(dir, "plan", "--exit-code", "--database-url", server.databaseUrl!);
      assert.equal(plan.code, 2, plan.stderr);
      assert.match(plan.stdout, /CREATE TABLE "public"\."users"/);
    } finally {
      await server.dispose();
    }
  },
});

Deno.test("deno task compile fails with a clear message when denort cannot be had", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--config", DENO_CONFIG, "compile"],
    env: { DENORT_BIN: "/nonexistent/denort", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 1);
  assert.match(
    new TextDecoder().decode(output.stderr),
    /could not get the denort base binary .* DENORT_BIN=\/nonexistent\/denort/,
  );
});

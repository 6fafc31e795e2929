/**
 * Invariant 15: `--help` and `--version` load no database driver, no PGlite,
 * no Kysely and no config. Checked on the module graph itself: everything
 * main.ts reaches through static imports, as `deno info` reports it.
 */
import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { DENO_CONFIG, MAIN, runCli, tempProject } from "../support/cli.ts";

interface GraphModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
}

/** Everything `entry` reaches through static imports, as `deno info` reports it. */
async function staticGraph(entry: string): Promise<{ reached: Set<string>; modules: GraphModule[] }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", DENO_CONFIG, entry],
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: GraphModule[] };
  const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
  const reached = new Set<string>();
  const visit = (specifier: string) => {
    if (reached.has(specifier)) return;
    reached.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code) visit(dep.code.specifier);
    }
  };
  visit(new URL(entry, "file:///").href);
  assert.ok(reached.size > 3, "the graph was read");
  return { reached, modules: graph.modules };
}

const packageOf = (name: string) => (denoJson.imports as Record<string, string>)[name];

Deno.test("main.ts statically imports no driver, PGlite, Kysely or zod", async () => {
  const { reached, modules } = await staticGraph(MAIN);
  const heavy = ["kysely", "postgres", "kysely-postgres-js", "@electric-sql/pglite", "zod"].map(packageOf);
  for (const specifier of reached) {
    assert.ok(!heavy.some((h) => specifier.startsWith(h)), `--help would load ${specifier}`);
  }
  // The commands themselves are there, behind dynamic imports.
  assert.ok(modules.some((m) => m.specifier.endsWith("/src/cli/apply_command.ts")));
});

Deno.test("commands against a server load no PGlite: it is imported only for the embedded and dev databases", async () => {
  for (const command of ["plan", "generate", "apply", "status", "pull"]) {
    const { reached } = await staticGraph(new URL(`../../src/cli/${command}_command.ts`, import.meta.url).pathname);
    assert.ok(reached.has(packageOf("postgres")) || [...reached].some((s) => s.includes("kysely")), "graph read");
    for (const specifier of reached) {
      assert.ok(!specifier.startsWith(packageOf("@electric-sql/pglite")), `${command} would load ${specifier}`);
    }
  }
});

Deno.test("--help and --version work next to a broken config (it is never loaded)", async () => {
  const dir = await tempProject({ "kyrage.config.ts": "throw new Error('loaded!')" });
  const help = await runCli(["--help"], { cwd: dir });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: kyrage/);
  assert.match(help.stdout, /generate/);
  const version = await runCli(["--version"], { cwd: dir });
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), denoJson.version);
  const loaded = await runCli(["plan"], { cwd: dir });
  assert.equal(loaded.code, 1, "the same config does fail when a command needs it");
  assert.match(loaded.stderr, /loaded!/);
});

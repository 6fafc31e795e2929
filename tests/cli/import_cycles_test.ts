/**
 * No import cycles in kyrage's own modules (the style the project keeps: data
 * flows one way, a kind's modules build on a shared leaf). Checked on the
 * whole module graph of the CLI and of the public module, type imports and
 * dynamic imports included, as `deno info` reports it.
 */
import assert from "node:assert/strict";
import { DENO_CONFIG, MAIN } from "../support/cli.ts";

interface GraphModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
}

async function cyclesFrom(entry: string): Promise<string[][]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", DENO_CONFIG, entry],
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: GraphModule[] };
  const own = (specifier: string) => specifier.startsWith(new URL("../../src/", import.meta.url).href);
  const edges = new Map<string, string[]>();
  for (const m of graph.modules) {
    if (!own(m.specifier)) continue;
    const targets = (m.dependencies ?? []).flatMap((d) => [d.code?.specifier, d.type?.specifier]);
    edges.set(m.specifier, targets.filter((t): t is string => t !== undefined && own(t)));
  }
  // Tarjan's strongly connected components: any with two or more modules is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop()!;; w = stack.pop()!) {
        component.push(w.replace(/^.*\/src\//, "src/"));
        if (w === v) break;
      }
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

Deno.test("kyrage's modules import one another without cycles", async () => {
  assert.ok((await cyclesFrom(MAIN)).length === 0, JSON.stringify(await cyclesFrom(MAIN), null, 2));
  const mod = new URL("../../src/mod.ts", import.meta.url).pathname;
  assert.deepEqual(await cyclesFrom(mod), []);
});

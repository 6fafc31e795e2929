/**
 * kyrage benchmarks (`deno task bench`): the figures of issue 18, each as
 * min / median / max over repeated runs, with the floor or peer it is
 * compared to measured in the same runs, the ratio and the target. Prints a
 * table and writes the same to bench/results.json.
 *
 *   deno task bench                   1,000 tables (10,000 for the in-memory plan and memory), 5 runs each
 *   deno task bench --sizes 10        what CI runs to keep this script working: 10 tables (100), 3 runs (demo 1)
 *   deno task bench --runs 7          more runs
 *   deno task bench --only apply,plan some items: apply, plan, memory, inmemory, first, demo, watch
 */
import { startPostgres } from "../scripts/postgres_server.ts";
import { parseBenchArgs } from "./args.ts";
import type { Item, Missing } from "./item.ts";
import { demoItem, firstCommandItems, inMemoryItems, watchItem } from "./local.ts";
import { machineLine } from "./machine.ts";
import { reportText, resultsJson } from "./report.ts";
import { applyItem, noopPlanItem, planMemoryItem } from "./server.ts";

const { size: SIZE, quick: QUICK, runs: RUNS, wants } = (() => {
  try {
    return parseBenchArgs(Deno.args);
  } catch (error) {
    // deno-lint-ignore no-console -- the entry point reports its usage error
    console.error((error as Error).message);
    Deno.exit(2);
  }
})();

const PEER: Missing = {
  title: "no-op plan against @izumisy/kyrage (peer, target ≤ 0.15×)",
  reason: "not measured: the peer cannot be installed on this machine, so no figure is given for it",
  target: "≤ 0.15×",
};

const items: Item[] = [];
// First, alone in a fresh process: no server starting, no heap left by the other items.
if (wants("inmemory")) items.push(...await inMemoryItems(SIZE, RUNS));
const needsServer = ["apply", "plan", "memory"].some(wants);
const server = !needsServer || Deno.env.get("KYRAGE_TEST_DATABASE_URL") ? undefined : await startPostgres();
if (server) Deno.env.set("KYRAGE_TEST_DATABASE_URL", server.url);
let machine: string;
try {
  if (wants("apply")) items.push(await applyItem(SIZE, RUNS));
  if (wants("plan")) items.push(await noopPlanItem(SIZE, RUNS));
  if (wants("first")) items.push(...await firstCommandItems(RUNS));
  // Each run initializes PGlite from nothing (seconds): once is enough to keep a quick run working.
  if (wants("demo")) items.push(await demoItem(QUICK ? 1 : RUNS));
  if (wants("watch")) items.push(await watchItem(Math.min(SIZE, 100), Math.max(RUNS, 12)));
  if (wants("memory")) items.push(await planMemoryItem(10 * SIZE, RUNS));
  // Asked of the server the figures were measured on, while it runs.
  machine = await machineLine(needsServer ? Deno.env.get("KYRAGE_TEST_DATABASE_URL") : undefined);
} finally {
  await server?.stop();
}

// The peer's line belongs to the no-op plan: printed, and written, with it.
const report = { machine, runs: RUNS, quick: QUICK, size: SIZE, items, missing: wants("plan") ? [PEER] : [] };
await Deno.writeTextFile(new URL("./results.json", import.meta.url), resultsJson(report, new Date()));
// deno-lint-ignore no-console -- a benchmark prints its table
console.log(reportText(report));

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
import type { Item, Missing } from "./item.ts";
import { demoItem, firstCommandItems, inMemoryItems, watchItem } from "./local.ts";
import { applyItem, noopPlanItem, planMemoryItem } from "./server.ts";

const arg = (name: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const SIZE = Number(arg("sizes")?.split(",")[0] ?? 1000);
const QUICK = SIZE < 1000;
const RUNS = Number(arg("runs") ?? (QUICK ? 3 : 5));
const ONLY = arg("only")?.split(",");
const wants = (name: string) => !ONLY || ONLY.includes(name);

const PEER: Missing = {
  title: "no-op plan against @izumisy/kyrage (peer, target ≤ 0.15×)",
  reason: "not measured: the peer cannot be installed on this machine, so no figure is given for it",
};

const items: Item[] = [];
// First, alone in a fresh process: no server starting, no heap left by the other items.
if (wants("inmemory")) items.push(...await inMemoryItems(SIZE, RUNS));
const needsServer = ["apply", "plan", "memory"].some(wants);
const server = !needsServer || Deno.env.get("KYRAGE_TEST_DATABASE_URL") ? undefined : await startPostgres();
if (server) Deno.env.set("KYRAGE_TEST_DATABASE_URL", server.url);
try {
  if (wants("apply")) items.push(await applyItem(SIZE, RUNS));
  if (wants("plan")) items.push(await noopPlanItem(SIZE, RUNS));
  if (wants("first")) items.push(...await firstCommandItems(RUNS));
  // Each run initializes PGlite from nothing (seconds): once is enough to keep a quick run working.
  if (wants("demo")) items.push(await demoItem(QUICK ? 1 : RUNS));
  if (wants("watch")) items.push(await watchItem(Math.min(SIZE, 100), Math.max(RUNS, 12)));
  if (wants("memory")) items.push(await planMemoryItem(10 * SIZE, RUNS));
} finally {
  await server?.stop();
}

const machine = `${Deno.build.target}, ${navigator.hardwareConcurrency} cores, ` +
  `${
    Math.round(Deno.systemMemoryInfo().total / 2 ** 30)
  } GiB, Deno ${Deno.version.deno}, PostgreSQL ${await pgVersion()}`;

async function pgVersion(): Promise<string> {
  const out = await new Deno.Command("psql", { args: ["--version"], stdout: "piped" }).output().catch(() => undefined);
  return (out && /\d+(\.\d+)?/.exec(new TextDecoder().decode(out.stdout))?.[0]) ?? "?";
}

const num = (x: number) => (x >= 100 ? String(Math.round(x)) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const triple = (s: { min: number; median: number; max: number }, unit = "") =>
  `${num(s.min)} / ${num(s.median)} / ${num(s.max)}${unit}`;
const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
const out = [
  `kyrage benchmarks (issue 18): ${machine}`,
  `${RUNS} runs each; min / median / max${
    QUICK ? `; QUICK RUN at ${SIZE} tables: sizes differ from the targets'` : ""
  }`,
  "",
  line(["figure", "kyrage", "compared to (same runs)", "ratio", "target", "met"]),
  line(["---", "---", "---", "---", "---", "---"]),
  ...items.map((i) =>
    line([
      i.title,
      triple(i.figure, ` ${i.unit}`),
      i.against ? `${i.against.label}: ${triple(i.against.stats, ` ${i.unit}`)}` : "–",
      i.ratio ? triple(i.ratio, "×") : "–",
      i.target.text,
      i.met,
    ])
  ),
  ...(wants("plan") ? [line([PEER.title, "–", PEER.reason, "–", "≤ 0.15×", "–"])] : []),
  "",
  ...items.filter((i) => i.note).map((i) => `${i.title.trim()}: ${i.note}`),
];
await Deno.writeTextFile(
  new URL("./results.json", import.meta.url),
  JSON.stringify(
    { machine, date: new Date().toISOString(), runs: RUNS, quick: QUICK, items, missing: [PEER] },
    null,
    2,
  ) +
    "\n",
);
// deno-lint-ignore no-console -- a benchmark prints its table
console.log(out.join("\n"));

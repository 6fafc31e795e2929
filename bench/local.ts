/**
 * Figures with no server: the in-memory plan, the first command on a new
 * project (embedded database), `deno task demo` on a fresh machine, and
 * watch --dev latency.
 */
import { validateConfig } from "../src/config/load.ts";
import { copyExample, DENO_CONFIG, MAIN, ROOT } from "../tests/support/cli.ts";
import { type Item, item } from "./item.ts";
import { kyrage, measured, stats, timed } from "./measure.ts";
import { inMemoryPlan } from "./pipeline.ts";
import { generatedConfigSource, generatedTables } from "./schema.ts";

const modelOf = (n: number, variant: number) =>
  validateConfig({ tables: generatedTables(n, variant) }, "/bench/kyrage.config.ts").desired;

/**
 * The in-memory plan of a one-column change on schemas of `small` and ten
 * times as many tables (every table compared), after one warm-up run; the
 * two sizes alternate.
 */
export async function inMemoryItems(small: number, runs: number): Promise<Item[]> {
  const large = 10 * small;
  const models = [small, large].map((n) => ({ actual: modelOf(n, 0), desired: modelOf(n, 1) }));
  const once = (m: typeof models[number]) => {
    const start = performance.now();
    const work = inMemoryPlan(m.actual, m.desired);
    if (work.operations !== 1) throw new Error(`expected one operation, got ${work.operations}`);
    return performance.now() - start;
  };
  models.forEach(once);
  const times: number[][] = [[], []];
  for (let i = 0; i < runs; i++) {
    times[1].push(once(models[1]));
    times[0].push(once(models[0]));
    await new Promise((r) => setTimeout(r, 0));
  }
  let created = 0;
  const create = stats(
    Array.from({ length: 3 }, () => {
      const start = performance.now();
      created = inMemoryPlan({ ...models[1].actual, tables: [] }, models[1].actual).operations;
      return performance.now() - start;
    }),
  );
  return [
    item({
      title: `in-memory plan, ${large} tables (one change)`,
      unit: "ms",
      figure: stats(times[1]),
      target: { on: "figure", max: 100, text: "≤ 100 ms" },
      note: `creating all ${large} tables (${created} operations), 3 runs: ${Math.round(create.min)} / ${
        Math.round(create.median)
      } / ${Math.round(create.max)} ms`,
    }),
    item({
      title: `in-memory plan growth, ${large}/${small} tables`,
      unit: "ms",
      figure: stats(times[1]),
      against: { label: `the same at ${small} tables`, stats: stats(times[0]) },
      target: { on: "ratio", max: 12, text: "≤ 12× (linear: 10×)" },
    }),
  ];
}

/**
 * Removing a project's thousand files keeps this machine's disk busy for
 * seconds (creating files meanwhile takes several times as long), and a
 * new user's first command does not follow one: each timed run starts
 * after the file system has written out what came before it.
 */
async function settledDisk(): Promise<void> {
  await new Deno.Command("sync").output().catch(() => {});
}

/** The first command (plan) on new copies of examples/basic, the machine's pristine image cached. */
export async function firstCommandItems(runs: number): Promise<Item[]> {
  const cache = await Deno.makeTempDir({ prefix: "kyrage-bench-cache-" });
  const env = { XDG_CACHE_HOME: cache };
  const projects: string[] = [];
  const fresh = async () => {
    const dir = await copyExample("basic");
    projects.push(dir);
    await settledDisk();
    const run = await kyrage(dir, ["plan"], env);
    if (!run.stdout.includes("CREATE TABLE")) throw new Error(`plan on a new project:\n${run.stdout}`);
    return run;
  };
  try {
    const first = await fresh(); // the first on this "machine": makes the image
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await fresh());
    const note = `the very first on a machine (no cached image): ${Math.round(first.ms)} ms, ${
      Math.round(first.rssMb)
    } MB`;
    return [
      item({
        title: "first command on a new project (plan, embedded DB, image cached)",
        unit: "ms",
        figure: stats(results.map((r) => r.ms)),
        target: { on: "figure", max: 1500, text: "≤ 1.5 s" },
        note,
      }),
      item({
        title: "  its peak RSS",
        unit: "MB",
        figure: stats(results.map((r) => r.rssMb)),
        target: { on: "figure", max: 400, text: "≤ 400 MB" },
      }),
    ];
  } finally {
    // Removed after the runs, not between them (see settledDisk).
    for (const dir of projects) await Deno.remove(dir, { recursive: true });
    await Deno.remove(cache, { recursive: true });
  }
}

/** `deno task demo` (plan, generate, apply, plan) on a "fresh machine": an empty cache directory each run. */
export async function demoItem(runs: number): Promise<Item> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cache = await Deno.makeTempDir({ prefix: "kyrage-bench-cache-" });
    try {
      // The demo's first step removes the last run's project: done here, untimed, as a fresh machine has none.
      await Deno.remove(`${ROOT}.kyrage/demo`, { recursive: true }).catch(() => {});
      await settledDisk();
      const [took, run] = await timed(() =>
        measured([Deno.execPath(), "task", "--quiet", "--config", DENO_CONFIG, "demo"], {
          env: { XDG_CACHE_HOME: cache, NO_COLOR: "1" },
        })
      );
      if (run.code !== 0) throw new Error(`deno task demo failed:\n${run.stdout}\n${run.stderr}`);
      ms.push(took);
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  }
  return item({
    title: "deno task demo on a fresh machine (no cached image)",
    unit: "ms",
    figure: stats(ms),
    target: { on: "figure", max: 3000, text: "≤ 3 s" },
  });
}

/** The last statement of the generated schema's plan: its last foreign key. */
export const lastStatement = (n: number) => `"t${String(n - 1).padStart(5, "0")}_parent_id_fkey" FOREIGN KEY`;

/**
 * The answers watch has printed to the end so far: watch prints a header
 * line, then the plan line by line, and every save here plans the whole
 * schema (the dev database replays no file), ending with `last`.
 */
export function watchAnswers(text: string, last: string): number {
  return text.split(/^-- \[\d\d:\d\d:\d\d\] /m).slice(1).filter((answer) => answer.includes(last)).length;
}

/** Save → SQL printed by `kyrage watch --dev` (dev database in memory), over `saves` saves. */
export async function watchItem(n: number, saves: number): Promise<Item> {
  const dir = await Deno.makeTempDir({ prefix: "kyrage-bench-watch-" });
  const config = `${dir}/kyrage.config.ts`;
  const source = (variant: number) => generatedConfigSource(n, `{ dialect: "pglite", dataDir: "memory://" }`, variant);
  await Deno.writeTextFile(config, source(0));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", DENO_CONFIG, MAIN, "watch", "--dev"],
    cwd: dir,
    env: { NO_COLOR: "1", INIT_CWD: dir },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let text = "";
  const reading = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) text += chunk;
  })();
  const headers = () => watchAnswers(text, lastStatement(n));
  const waitHeaders = async (count: number) => {
    const deadline = Date.now() + 60_000;
    while (headers() < count) {
      if (Date.now() > deadline) throw new Error(`watch did not answer:\n${text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  try {
    await waitHeaders(1);
    const latencies: number[] = [];
    for (let i = 1; i <= saves; i++) {
      const before = headers();
      const start = performance.now();
      await Deno.writeTextFile(config, source(i % 2));
      await waitHeaders(before + 1);
      latencies.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 150));
    }
    return item({
      title: `watch --dev, save → SQL, ${n} tables`,
      unit: "ms",
      figure: stats(latencies),
      target: { on: "median", max: 150, text: "median ≤ 150 ms" },
      note:
        `${saves} saves in one session, each answered with the plan creating all ${n} tables (the dev database replays no file)`,
    });
  } finally {
    child.kill("SIGINT");
    await child.status;
    await reading;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * kyrage benchmarks (`deno task bench`): prints one table and writes the same
 * figures to bench/results.json. Figures are medians of repeated runs.
 *
 *   deno task bench                      sizes 10, 100, 1000, 5000 on PostgreSQL and PGlite
 *   deno task bench --sizes 10           what CI runs, to keep this script from rotting
 *   deno task bench --backends postgres  one backend only
 *   deno task bench --pglite-max 1000    largest PGlite size (its lock table caps one migration)
 */
import { Kysely } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import { validateConfig } from "../src/config/load.ts";
import type { Database } from "../src/dialect/database.ts";
import { diffSchemas } from "../src/diff/diff.ts";
import { introspectFor, renderSql } from "../src/plan.ts";
import { readMigrations } from "../src/migrations/store.ts";
import { startPostgres } from "../scripts/postgres_server.ts";
import { type BackendName, createTestDatabase } from "../tests/support/backends.ts";
import { createPgliteTemplate } from "../tests/support/pglite_template.ts";
import { databaseBlock, DENO_CONFIG, MAIN } from "../tests/support/cli.ts";
import { generatedConfig, generatedConfigSource } from "./schema.ts";

const arg = (name: string, fallback: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
};
const SIZES = arg("sizes", "10,100,1000,5000").split(",").map(Number);
const BACKENDS = arg("backends", "postgres,pglite").split(",") as BackendName[];
const REPEAT = 3;
// PGlite's lock table is fixed and too small for a 5,000-table migration in one transaction.
const PGLITE_MAX = Number(arg("pglite-max", "1000"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const round = (ms: number) => Math.round(ms * 10) / 10;

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

async function medianOf(fn: () => Promise<unknown>, times = REPEAT): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < times; i++) runs.push((await timed(fn))[0]);
  return median(runs);
}

async function kyrage(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", DENO_CONFIG, MAIN, ...args],
    cwd,
    env: { NO_COLOR: "1", DATABASE_URL: "", INIT_CWD: cwd },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success && out.code !== 2) {
    throw new Error(`kyrage ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

async function psql(url: string, file: string): Promise<void> {
  const out = await new Deno.Command("psql", {
    args: [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`psql failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** kyrage's own catalog queries, with parameters inlined, as psql would run them. */
async function catalogQueries(url: string, n: number): Promise<string> {
  const captured: string[] = [];
  const literal = (v: unknown): string =>
    Array.isArray(v)
      ? `'{${v.map((x) => `"${String(x).replaceAll('"', '\\"')}"`).join(",")}}'`
      : `'${String(v).replaceAll("'", "''")}'`;
  const db = new Kysely({
    dialect: new PostgresJSDialect({ postgres: postgres(url, { max: 4, onnotice: () => {} }) }),
    log(event) {
      if (event.level !== "query") return;
      const { sql, parameters } = event.query;
      captured.push(sql.replace(/\$(\d+)/g, (_, i) => literal(parameters[Number(i) - 1])) + ";");
    },
  });
  const database: Database = { db, label: "bench", dialect: "postgres", close: () => db.destroy() };
  await introspectFor(database, validateConfig(generatedConfig(n), "/bench/kyrage.config.ts").desired);
  await database.close();
  return captured.join("\n");
}

interface Row {
  backend: string;
  tables: number;
  introspectMs: number;
  noopPlanMs: number;
  catalogFloorMs?: number;
  planToFloor?: number;
  generateMs: number;
  applyMs: number;
  psqlApplyMs?: number;
}

async function measureBackend(backend: BackendName, n: number): Promise<Row> {
  const target = await createTestDatabase(backend);
  const dir = await Deno.makeTempDir({ prefix: "kyrage-bench-" });
  try {
    await Deno.writeTextFile(`${dir}/kyrage.config.ts`, generatedConfigSource(n, databaseBlock(target)));
    const [generateMs] = await timed(() => kyrage(dir, "generate"));
    const [applyMs] = await timed(() => kyrage(dir, "apply"));
    const noopPlanMs = await medianOf(async () => {
      const out = await kyrage(dir, "plan", "--exit-code");
      if (!out.includes("No changes")) throw new Error(`plan is not a no-op at ${n} tables:\n${out.slice(0, 500)}`);
    });
    const database = await target.open();
    const desired = validateConfig(generatedConfig(n), `${dir}/kyrage.config.ts`).desired;
    const introspectMs = await medianOf(() => introspectFor(database, desired));
    await database.close();
    const row: Row = { backend, tables: n, introspectMs, noopPlanMs, generateMs, applyMs };
    if (backend === "postgres") {
      const queries = `${dir}/catalog.sql`;
      await Deno.writeTextFile(queries, await catalogQueries(target.databaseUrl!, n));
      row.catalogFloorMs = await medianOf(() => psql(target.databaseUrl!, queries));
      row.planToFloor = noopPlanMs / row.catalogFloorMs;
      const [migration] = await readMigrations(`${dir}/migrations`);
      const script = `${dir}/migration.sql`;
      await Deno.writeTextFile(script, ["BEGIN;", ...renderSql(migration.file.operations), "COMMIT;"].join("\n"));
      const fresh = await createTestDatabase("postgres");
      try {
        [row.psqlApplyMs] = await timed(() => psql(fresh.databaseUrl!, script));
      } finally {
        await fresh.dispose();
      }
    }
    return row;
  } finally {
    await target.dispose();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function diffTimes(sizes: number[]) {
  return sizes.map((n) => {
    const desired = validateConfig(generatedConfig(n), "/bench/kyrage.config.ts").desired;
    const empty = { ...desired, tables: [], enums: [] };
    const runs = (fn: () => unknown) => {
      const xs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        fn();
        xs.push(performance.now() - start);
      }
      return median(xs);
    };
    return {
      tables: n,
      noopDiffMs: runs(() => diffSchemas(desired, desired)),
      createDiffMs: runs(() => diffSchemas(empty, desired)),
    };
  });
}

/** Save → SQL printed, for a watch process on the dev database. */
async function watchLatency(n: number, saves = 12): Promise<{ tables: number; medianMs: number; p95Ms: number }> {
  const dir = await Deno.makeTempDir({ prefix: "kyrage-bench-watch-" });
  const config = `${dir}/kyrage.config.ts`;
  await Deno.writeTextFile(config, generatedConfigSource(n, `{ dialect: "pglite", dataDir: "memory://" }`));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", DENO_CONFIG, MAIN, "watch", "--dev"],
    cwd: dir,
    env: { NO_COLOR: "1", INIT_CWD: dir },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let text = "";
  (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) text += chunk;
  })();
  const headers = () => (text.match(/^-- \[\d\d:\d\d:\d\d\] /gm) ?? []).length;
  const waitHeaders = async (count: number) => {
    const deadline = Date.now() + 60_000;
    while (headers() < count) {
      if (Date.now() > deadline) throw new Error(`watch did not answer:\n${text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  await waitHeaders(1);
  const latencies: number[] = [];
  for (let i = 1; i <= saves; i++) {
    const before = headers();
    const start = performance.now();
    await Deno.writeTextFile(config, generatedConfigSource(n, `{ dialect: "pglite", dataDir: "memory://" }`, i % 2));
    await waitHeaders(before + 1);
    latencies.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGINT");
  await child.status;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  return { tables: n, medianMs: median(latencies), p95Ms: p95(latencies) };
}

async function startup() {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/kyrage.config.ts`,
    generatedConfigSource(200, `{ dialect: "pglite", dataDir: "memory://" }`),
  );
  const basic = new URL("../examples/basic/", import.meta.url).pathname;
  const figures = {
    helpMs: await medianOf(() => kyrage(dir, "--help"), 5),
    planDevBasicMs: await medianOf(() => kyrage(basic, "plan", "--dev")),
    planDev200Ms: await medianOf(() => kyrage(dir, "plan", "--dev")),
  };
  await Deno.remove(dir, { recursive: true });
  return figures;
}

// ---------------------------------------------------------------------------

const server = BACKENDS.includes("postgres") && !Deno.env.get("KYRAGE_TEST_DATABASE_URL")
  ? await startPostgres()
  : undefined;
if (server) Deno.env.set("KYRAGE_TEST_DATABASE_URL", server.url);
const template = BACKENDS.includes("pglite") && !Deno.env.get("KYRAGE_TEST_PGLITE_TEMPLATE")
  ? await createPgliteTemplate()
  : undefined;
if (template) Deno.env.set("KYRAGE_TEST_PGLITE_TEMPLATE", template);
try {
  const rows: Row[] = [];
  for (const backend of BACKENDS) {
    for (const n of SIZES) {
      if (backend === "pglite" && n > PGLITE_MAX) continue;
      rows.push(await measureBackend(backend, n));
    }
  }
  const diffs = diffTimes([...SIZES, 10_000]);
  const watch = [await watchLatency(10), ...(SIZES.some((n) => n >= 100) ? [await watchLatency(100)] : [])];
  const starts = await startup();

  const growth = (pick: (n: number) => number | undefined) => {
    const a = pick(1000);
    const b = pick(5000);
    return a && b ? round(b / a) : undefined;
  };
  const results = {
    machine: `${Deno.build.target}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
    date: new Date().toISOString(),
    backends: rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? round(v) : v]))
    ),
    diff: diffs.map((d) => ({
      tables: d.tables,
      noopDiffMs: round(d.noopDiffMs),
      createDiffMs: round(d.createDiffMs),
    })),
    growth5000over1000: {
      introspectPostgres: growth((n) => rows.find((r) => r.backend === "postgres" && r.tables === n)?.introspectMs),
      introspectPglite: growth((n) => rows.find((r) => r.backend === "pglite" && r.tables === n)?.introspectMs),
      diff: growth((n) => diffs.find((d) => d.tables === n)?.noopDiffMs),
    },
    watch: watch.map((w) => ({ tables: w.tables, medianMs: round(w.medianMs), p95Ms: round(w.p95Ms) })),
    startup: Object.fromEntries(Object.entries(starts).map(([k, v]) => [k, round(v)])),
  };
  await Deno.writeTextFile(new URL("./results.json", import.meta.url), JSON.stringify(results, null, 2) + "\n");

  const line = (cells: (string | number | undefined)[]) => `| ${cells.map((c) => c ?? "–").join(" | ")} |`;
  const out: string[] = [
    `kyrage benchmarks — ${results.machine}`,
    "",
    line([
      "backend",
      "tables",
      "introspect ms",
      "no-op plan ms",
      "catalog floor ms",
      "plan/floor",
      "generate ms",
      "apply ms",
      "psql -f ms",
    ]),
    line(Array(9).fill("---")),
    ...results.backends.map((r) =>
      line([
        r.backend,
        r.tables,
        r.introspectMs,
        r.noopPlanMs,
        r.catalogFloorMs,
        r.planToFloor,
        r.generateMs,
        r.applyMs,
        r.psqlApplyMs,
      ])
    ),
    "",
    line(["tables", "no-op diff ms", "create diff ms"]),
    line(["---", "---", "---"]),
    ...results.diff.map((d) => line([d.tables, d.noopDiffMs, d.createDiffMs])),
    "",
    `growth 5000/1000: introspect postgres ${results.growth5000over1000.introspectPostgres ?? "–"}, ` +
    `pglite ${results.growth5000over1000.introspectPglite ?? "–"}, diff ${results.growth5000over1000.diff ?? "–"}`,
    ...results.watch.map((w) => `watch save→SQL at ${w.tables} tables: median ${w.medianMs} ms, p95 ${w.p95Ms} ms`),
    `start-up: --help ${results.startup.helpMs} ms; plan --dev examples/basic ${results.startup.planDevBasicMs} ms; plan --dev 200 tables ${results.startup.planDev200Ms} ms`,
  ];
  // deno-lint-ignore no-console -- a benchmark prints its table
  console.log(out.join("\n"));
} finally {
  await server?.stop();
  if (template) await Deno.remove(template, { recursive: true }).catch(() => {});
}

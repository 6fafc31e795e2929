/**
 * Figures against a PostgreSQL server: apply against `psql -f` of the same
 * SQL, a no-op plan against psql running the queries that plan sends, and
 * the peak memory of a no-op plan on a large schema. kyrage's and psql's
 * runs alternate, so load from other processes hits both alike.
 */
import { Kysely } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import { validateConfig } from "../src/config/load.ts";
import type { Database } from "../src/dialect/database.ts";
import { diffSchemas } from "../src/diff/diff.ts";
import { readMigrations } from "../src/migrations/store.ts";
import { planChanges, renderSql, tableSizes, unmanagedObjects } from "../src/plan.ts";
import { planBlockers } from "../src/blockers.ts";
import { createTestDatabase, type TestDatabase } from "../tests/support/backends.ts";
import { databaseBlock } from "../tests/support/cli.ts";
import { type Item, item } from "./item.ts";
import { kyrage, psql, stats } from "./measure.ts";
import { generatedConfig, generatedConfigSource } from "./schema.ts";

async function project(n: number, target: TestDatabase): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "kyrage-bench-" });
  await Deno.writeTextFile(`${dir}/kyrage.config.ts`, generatedConfigSource(n, databaseBlock(target)));
  return dir;
}

async function withDatabase<T>(fn: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = await createTestDatabase("postgres");
  try {
    return await fn(db);
  } finally {
    await db.dispose();
  }
}

/** `kyrage apply` of a generated migration, and `psql -f` of its SQL in one transaction, each on an empty database. */
export async function applyItem(n: number, runs: number): Promise<Item> {
  return await withDatabase(async (source) => {
    const dir = await project(n, source);
    try {
      await kyrage(dir, ["generate"]);
      const [migration] = await readMigrations(`${dir}/migrations`);
      const script = `${dir}/migration.sql`;
      await Deno.writeTextFile(script, ["BEGIN;", ...renderSql(migration.file.operations), "COMMIT;"].join("\n"));
      const ours: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < runs; i++) {
        const apply = () =>
          withDatabase(async (db) => {
            const run = await kyrage(dir, ["apply"], { DATABASE_URL: db.databaseUrl! });
            if (!run.stdout.includes("Applied")) throw new Error(`apply did not apply:\n${run.stdout}`);
            ours.push(run.ms);
          });
        const plain = () => withDatabase(async (db) => floor.push((await psql(db.databaseUrl!, script)).ms));
        if (i % 2) await plain().then(apply);
        else await apply().then(plain);
      }
      return item({
        title: `apply, ${n} tables (one migration)`,
        unit: "ms",
        figure: stats(ours),
        against: { label: "psql -f, same SQL in one transaction", stats: stats(floor) },
        target: { on: "ratio", max: 1.2, text: "≤ 1.2× psql" },
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

/** A Database whose every query is written down, parameters inlined, as psql would run it. */
function recording(url: string, captured: string[]): Database {
  const literal = (v: unknown): string =>
    Array.isArray(v)
      ? `'{${v.map((x) => `"${String(x).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}'`
      : v === null || v === undefined
      ? "NULL"
      : `'${String(v).replaceAll("'", "''")}'`;
  const db = new Kysely({
    dialect: new PostgresJSDialect({ postgres: postgres(url, { max: 1, onnotice: () => {} }) }),
    log(event) {
      if (event.level !== "query") return;
      const { sql, parameters } = event.query;
      // Placeholders only: `kyrage$defaults$1000` is a name.
      const inlined = sql.replace(/(?<![\w$])\$(\d+)/g, (_, i) => literal(parameters[Number(i) - 1]));
      captured.push(`${inlined};`);
    },
  });
  return { db, label: "bench", dialect: "postgres", close: () => db.destroy() };
}

/** Every query `kyrage plan` sends (type check, scratch normalization, introspection, blockers, sizes, unmanaged objects). */
export async function planQueries(url: string, n: number): Promise<string> {
  const captured: string[] = [];
  const database = recording(url, captured);
  try {
    const desired = validateConfig(generatedConfig(n), "/bench/kyrage.config.ts").desired;
    const ops = await planChanges(database, desired, { online: true });
    if (ops.length > 0) throw new Error(`the schema of ${n} tables is not applied: ${ops.length} operations`);
    await planBlockers(database, ops, desired);
    await tableSizes(database, ops);
    await unmanagedObjects(database, desired);
  } finally {
    await database.close();
  }
  return captured.join("\n");
}

/** Create the generated schema with psql, in transactions of bounded size (a server's lock table is finite). */
async function createSchema(db: TestDatabase, n: number, dir: string): Promise<void> {
  const desired = validateConfig(generatedConfig(n), "/bench/kyrage.config.ts").desired;
  const statements = renderSql(diffSchemas({ ...desired, tables: [], enums: [] }, desired));
  const script = `${dir}/schema.sql`;
  const chunks: string[] = [];
  for (let i = 0; i < statements.length; i += 2000) {
    chunks.push("BEGIN;", ...statements.slice(i, i + 2000), "COMMIT;");
  }
  await Deno.writeTextFile(script, chunks.join("\n"));
  await psql(db.databaseUrl!, script);
}

async function planNoop(dir: string, n: number) {
  const run = await kyrage(dir, ["plan", "--exit-code"]);
  if (!run.stdout.includes("No changes")) throw new Error(`plan is not a no-op at ${n} tables:\n${run.stdout}`);
  return run;
}

/** A no-op `kyrage plan` against psql running the same queries, on one database holding the schema. */
export async function noopPlanItem(n: number, runs: number): Promise<Item> {
  return await withDatabase(async (db) => {
    const dir = await project(n, db);
    try {
      await createSchema(db, n, dir);
      const queries = `${dir}/plan_queries.sql`;
      await Deno.writeTextFile(queries, await planQueries(db.databaseUrl!, n));
      const ours: number[] = [];
      const floor: number[] = [];
      await planNoop(dir, n); // warms the server's caches for both
      for (let i = 0; i < runs; i++) {
        const plan = async () => ours.push((await planNoop(dir, n)).ms);
        const plain = async () => floor.push((await psql(db.databaseUrl!, queries)).ms);
        if (i % 2) await plain().then(plan);
        else await plan().then(plain);
      }
      return item({
        title: `no-op plan, ${n} tables`,
        unit: "ms",
        figure: stats(ours),
        against: { label: "psql running the queries plan sends", stats: stats(floor) },
        target: { on: "ratio", max: 1.5, text: "≤ 1.5× floor" },
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

/** Peak RSS (and time) of a no-op `kyrage plan` on a large schema. */
export async function planMemoryItem(n: number, runs: number): Promise<Item> {
  return await withDatabase(async (db) => {
    const dir = await project(n, db);
    try {
      await createSchema(db, n, dir);
      await planNoop(dir, n);
      const rss: number[] = [];
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const run = await planNoop(dir, n);
        rss.push(run.rssMb);
        ms.push(run.ms);
      }
      const time = stats(ms);
      return item({
        title: `peak RSS of a no-op plan, ${n} tables`,
        unit: "MB",
        figure: stats(rss),
        target: { on: "figure", max: 600, text: "≤ 600 MB" },
        note: `time ${Math.round(time.min)} / ${Math.round(time.median)} / ${Math.round(time.max)} ms`,
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

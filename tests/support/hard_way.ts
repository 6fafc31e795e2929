/**
 * Helpers of the "hard way" tests (tests/integration/hard_way_test.ts): a
 * project on a real database whose config is rewritten step by step, and
 * the truths checked after each interruption.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import type { Database } from "../../src/dialect/database.ts";
import { readHistory } from "../../src/migrations/history.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { createTestDatabase, type TestDatabase } from "./backends.ts";
import postgres from "postgres";
import { databaseBlock, runCli, tempProject } from "./cli.ts";
import { observe } from "./sessions.ts";

/** Write `kyrage.config.ts` with these DSL imports and this body (the object given to defineConfig, minus database). */
export async function writeConfig(dir: string, target: TestDatabase, body: string): Promise<void> {
  await Deno.writeTextFile(
    `${dir}/kyrage.config.ts`,
    `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ database: ${databaseBlock(target)}, ${body} });\n`,
  );
}

/** Run the CLI and require exit code `code`; returns its output. */
export async function cli(dir: string, args: string[], code = 0): Promise<string> {
  const r = await runCli(args, { cwd: dir });
  const text = r.stdout + r.stderr;
  assert.equal(r.code, code, `kyrage ${args.join(" ")} exited ${r.code}:\n${text}`);
  return text;
}

/** Fill the single pending hand-written step (written by `generate --sql-step`) with `text`. */
export async function fillSqlStep(dir: string, text: string, transaction = true): Promise<void> {
  const files = await readMigrations(`${dir}/migrations`);
  const step = files.find((m) => m.file.operations.some((op) => op.kind === "sql" && op.sql.trim() === ""));
  assert.ok(step, "generate --sql-step wrote a step");
  const json = JSON.parse(await Deno.readTextFile(step.path));
  json.operations = [{ kind: "sql", sql: text, transaction }];
  await Deno.writeTextFile(step.path, JSON.stringify(json, null, 2) + "\n");
}

/**
 * Run `fn` on the test database: the server's open observer, or PGlite's
 * directory opened for the call only (one process at a time may hold it,
 * and the CLI runs in between).
 */
export type WithDb = <T>(fn: (database: Database) => Promise<T>) => Promise<T>;

export function withDb(target: TestDatabase, observer?: Database): WithDb {
  return async (fn) => {
    if (observer) return await fn(observer);
    const database = await target.open();
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  };
}

/** Invalid indexes (a failed or interrupted concurrent build) in the database. */
export async function invalidIndexes(database: Database): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select indexrelid::regclass::text as name from pg_index where not indisvalid`.execute(database.db);
  return r.rows.map((row) => row.name);
}

/**
 * What `status --json` says is applied and pending must be what the history
 * table and the files say, and every recorded id must have its file.
 */
export async function statusTellsTruth(dir: string, withDb: WithDb, context: string): Promise<string[]> {
  const history = await withDb(async (database) => (await readHistory(database.db)).map((h) => h.id));
  const files = (await readMigrations(`${dir}/migrations`)).map((m) => m.id);
  for (const id of history) assert.ok(files.includes(id), `${context}: ${id} is recorded but has no file`);
  const r = await runCli(["status", "--json"], { cwd: dir });
  assert.ok(r.code === 0, `${context}: status exited ${r.code}: ${r.stdout}${r.stderr}`);
  const report = JSON.parse(r.stdout) as { applied: { id: string }[]; pending: string[] };
  assert.deepEqual(report.applied.map((a) => a.id), history, `${context}: status lists what the history holds`);
  assert.deepEqual(report.pending, files.filter((id) => !history.includes(id)), `${context}: status's pending`);
  return history;
}

/** The table the kill tests populate, then change in several files; `steps` are extra config entries. */
const bigTable = (c: string, indexes: string) =>
  `tables: [
  defineTable("big", { id: column("int", { primaryKey: true }), v: column("int")${c} }, (t) => [${indexes}]),
  defineTable("side", { id: column("int", { primaryKey: true }) }),
]`;

/**
 * A populated table, then pending: a new column and a concurrent index, a hand-written backfill in the
 * migration's transaction, NOT NULL the online way (check NOT VALID, validate, set) and a second concurrent
 * index. Returns the pending ids and the hand-written step's id.
 */
export async function killProject(target: TestDatabase, dir: string, rows: number) {
  await writeConfig(
    dir,
    target,
    `tables: [defineTable("big", { id: column("int", { primaryKey: true }), v: column("int") })]`,
  );
  await cli(dir, ["generate"]);
  await cli(dir, ["apply"]);
  const database = target.backend === "postgres" ? await observe(target) : await target.open();
  try {
    await sql`insert into big select g, g % 1000 from generate_series(1, ${rows}::int) g`.execute(database.db);
  } finally {
    await database.close();
  }
  await writeConfig(dir, target, bigTable(`, c: column("int")`, `t.index(["v"])`));
  await cli(dir, ["generate", "--dev"]);
  await cli(dir, ["generate", "--sql-step"]);
  await fillSqlStep(dir, "update big set c = v % 7 where c is null");
  const step = (await readMigrations(`${dir}/migrations`)).at(-1)!.id;
  await writeConfig(
    dir,
    target,
    bigTable(`, c: column("int", { notNull: true })`, `t.index(["v"]), t.index(["c", "v"])`),
  );
  await cli(dir, ["generate", "--dev"]);
  const pending = (await readMigrations(`${dir}/migrations`)).slice(1).map((m) => m.id);
  return { pending, step };
}

/** After an interruption: status tells the truth, no row lost, the backfill all or nothing. */
export async function afterKill(
  dir: string,
  db: WithDb,
  rows: number,
  step: string,
  context: string,
): Promise<string[]> {
  const history = await statusTellsTruth(dir, db, context);
  // Before the first file, column c does not exist yet: read it through the row's JSON.
  const r = await db((database) =>
    sql<{ n: number; nulls: number }>`
      select count(*)::int as n, count(*) filter (where to_jsonb(b) ->> 'c' is null)::int as nulls from big b`
      .execute(database.db)
  );
  assert.equal(r.rows[0].n, rows, `${context}: no row lost`);
  assert.equal(r.rows[0].nulls, history.includes(step) ? 0 : rows, `${context}: the backfill is all or nothing`);
  return history;
}

/** Every pending file applied by a clean re-run, and the database then matches the config. */
export async function converged(dir: string, db: WithDb, rows: number, step: string, pending: string[]) {
  await cli(dir, ["apply"]);
  const history = await afterKill(dir, db, rows, step, "after the re-run");
  for (const id of pending) assert.ok(history.includes(id), `${id} applied by the re-run`);
  await cli(dir, ["plan", "--exit-code"]);
  await cli(dir, ["status", "--exit-code"]);
  assert.deepEqual(await db(invalidIndexes), [], "no invalid index left behind");
}

/** Hold ACCESS EXCLUSIVE on `schema.table` in another session; returns its pid and how to let go. */
export async function holdTable(url: string, schema: string, table: string) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const session = await client.reserve();
  await session`begin`;
  await session`lock table ${session(schema)}.${session(table)} in access exclusive mode`;
  const [{ pid }] = await session<{ pid: number }[]>`select pg_backend_pid() as pid`;
  return {
    pid,
    async release() {
      await session`rollback`;
      session.release();
      await client.end({ timeout: 1 });
    },
  };
}

/** SIGKILL `child` unless it has finished already; returns whether it was killed. */
export function killIfRunning(child: Deno.ChildProcess): boolean {
  try {
    child.kill("SIGKILL");
    return true;
  } catch (error) {
    if (error instanceof TypeError && /already terminated/.test(error.message)) return false;
    throw error;
  }
}

/** A test on a fresh database of `backend` and an empty project directory; both removed after. */
export function hardTest(
  name: string,
  backend: "postgres" | "pglite",
  fn: (target: TestDatabase, dir: string) => Promise<void>,
) {
  Deno.test({
    name: `${name} [${backend}]`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const target = await createTestDatabase(backend);
      const dir = await tempProject({});
      try {
        await fn(target, dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
        await target.dispose();
      }
    },
  });
}

/** A config body with one table, and the same with a column and a table more. */
export const BLOCKER = `tables: [defineTable("blocker", { id: column("int") })]`;
export const BLOCKER_AND_MORE = `tables: [
  defineTable("blocker", { id: column("int"), x: column("text") }),
  defineTable("fresh", { id: column("int") }),
]`;

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
import type { TestDatabase } from "./backends.ts";
import { databaseBlock, runCli } from "./cli.ts";

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

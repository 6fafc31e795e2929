/**
 * A long apply of many small migrations, interrupted at random moments:
 * after each interruption every migration must be entirely present (all its
 * tables) and in the history, or entirely absent and not in it.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import type { Database } from "../../src/dialect/database.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { readHistory } from "../../src/migrations/history.ts";
import { spawnCli } from "./cli.ts";
import { migration } from "./sessions.ts";

export interface ManyMigrations {
  readonly ids: readonly string[];
  readonly tablesEach: number;
}

/** `count` migrations, each creating `tablesEach` tables `m<i>_t<j>`. */
export async function writeManyMigrations(dir: string, count: number, tablesEach: number): Promise<ManyMigrations> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `20250101${String(i).padStart(9, "0")}`;
    const operations: Operation[] = Array.from({ length: tablesEach }, (_, j) => ({
      kind: "create_table",
      schema: "public",
      table: `m${i}_t${j}`,
      columns: [{ name: "id", type: "integer", notNull: true }, { name: "v", type: "text", notNull: false }],
      primaryKey: { name: `m${i}_t${j}_pkey`, columns: ["id"] },
    }));
    await migration(dir, id, operations);
    ids.push(id);
  }
  return { ids, tablesEach };
}

/** Assert all-or-nothing for every migration; returns how many are applied. */
export async function checkAllOrNothing(database: Database, many: ManyMigrations, context: string): Promise<number> {
  const tables = await sql<{ name: string }>`
    select relname::text as name from pg_class
    where relnamespace = 'public'::regnamespace and relkind = 'r' and relname ~ '^m[0-9]+_t[0-9]+$'`
    .execute(database.db);
  const count = new Map<number, number>();
  for (const { name } of tables.rows) {
    const i = Number(/^m(\d+)_/.exec(name)![1]);
    count.set(i, (count.get(i) ?? 0) + 1);
  }
  const history = new Set((await readHistory(database.db)).map((h) => h.id));
  many.ids.forEach((id, i) => {
    const present = count.get(i) ?? 0;
    const recorded = history.has(id);
    assert.ok(
      (present === many.tablesEach && recorded) || (present === 0 && !recorded),
      `${context}: migration ${id} has ${present} of ${many.tablesEach} tables and is ${
        recorded ? "" : "not "
      }in the history`,
    );
  });
  return history.size;
}

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed: KYRAGE_TEST_SEED to replay a run, otherwise a fresh one. */
export function testSeed(): number {
  const given = Deno.env.get("KYRAGE_TEST_SEED");
  return given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}

/**
 * Run `kyrage apply` in `dir` and call `interrupt` (kill it, end its
 * session) at a random moment of the migration after its first one:
 * before, inside or at the commit of it.
 */
export async function interruptedApply(
  dir: string,
  random: () => number,
  interrupt: (child: Deno.ChildProcess) => unknown,
): Promise<{ status: Deno.CommandStatus; output: string }> {
  const child = spawnCli(["apply"], { cwd: dir });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stdout = readLines(child.stdout, (line) => {
    const applied = /^Applied \d+ \(.*, (\d+) ms\)$/.exec(line);
    if (!applied || timer !== undefined) return;
    timer = setTimeout(() => interrupt(child), random() * (Number(applied[1]) + 1));
  });
  const stderr = new Response(child.stderr).text();
  const status = await child.status;
  clearTimeout(timer);
  return { status, output: (await stdout) + (await stderr) };
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<string> {
  const decoder = new TextDecoder();
  let all = "";
  let pending = "";
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    all += text;
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    lines.forEach(onLine);
  }
  return all;
}

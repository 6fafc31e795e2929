/**
 * kyrage's safety invariants proven "the hard way": real processes killed
 * with SIGKILL at many moments of a multi-file apply on populated tables,
 * several writers at once, a lock that never comes, hostile names in every
 * object kind. Each test quotes the README claim it checks. Tests of claims
 * the code breaks are marked `knownDefect`, with what happens instead.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import postgres from "postgres";
import { readHistory } from "../../src/migrations/history.ts";
import { LOCK_KEY } from "../../src/migrations/runner.ts";
import { readMigrations, writeMigration } from "../../src/migrations/store.ts";
import { createTestDatabase, type TestDatabase } from "../support/backends.ts";
import { runCli, spawnCli, tempProject } from "../support/cli.ts";
import {
  cli,
  fillSqlStep,
  invalidIndexes,
  statusTellsTruth,
  type WithDb,
  withDb,
  writeConfig,
} from "../support/hard_way.ts";
import { blockedOn, holdLock, observe, otherSessions, outputOf, waitFor, watchOutput } from "../support/sessions.ts";

/** A test on a fresh database of `backend` and an empty project directory; both removed after. */
function hardTest(
  name: string,
  backend: "postgres" | "pglite",
  fn: (target: TestDatabase, dir: string) => Promise<void>,
  knownDefect?: string,
) {
  Deno.test({
    name: `${name} [${backend}]`,
    ignore: knownDefect !== undefined,
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

const BLOCKER = `tables: [defineTable("blocker", { id: column("int") })]`;
const BLOCKER_AND_MORE = `tables: [
  defineTable("blocker", { id: column("int"), x: column("text") }),
  defineTable("fresh", { id: column("int") }),
]`;

/**
 * README (Commands, Dev database): "`generate --squash` replaces all migrations not yet applied on the target
 * with one file ...; applied files are never touched"; (Safety) "concurrent `apply` processes serialize".
 * What happens: squash does not take apply's advisory lock, so while an apply is in the middle of a pending
 * file, squash deletes that file and writes its operations again into a new one. The apply then commits the
 * deleted file: the history records a migration whose file is gone (every later command stops on it), and the
 * squashed file repeats changes already made.
 */
hardTest(
  "generate --squash while apply is running a pending file: the history and the files still agree",
  "postgres",
  async (target, dir) => {
    await writeConfig(dir, target, BLOCKER);
    await cli(dir, ["generate"]);
    await cli(dir, ["apply"]);
    await writeConfig(dir, target, BLOCKER_AND_MORE);
    await cli(dir, ["generate"]);
    const observer = await observe(target);
    try {
      const release = await holdLock(target.databaseUrl!, "blocker");
      const apply = spawnCli(["apply", "--statement-lock-timeout", "60s"], { cwd: dir });
      try {
        await waitFor("apply to block on the table", () => blockedOn(observer, '"blocker" ADD COLUMN'));
        const [, running] = await readMigrations(`${dir}/migrations`);
        const squash = await runCli(["generate", "--squash"], { cwd: dir });
        // Squash may wait for the apply or refuse; it must not remove the file being applied.
        const kept = await Deno.stat(running.path).then(() => true, () => false);
        assert.ok(kept, `squash removed ${running.path}, which apply is running:\n${squash.stdout}${squash.stderr}`);
      } finally {
        await release();
      }
      assert.equal((await outputOf(apply)).code, 0);
      await cli(dir, ["apply"]);
      await statusTellsTruth(dir, withDb(target, observer), "after squash during apply");
      await cli(dir, ["plan", "--exit-code"]);
    } finally {
      await observer.close();
    }
  },
  "generate --squash takes no apply lock: it deletes the file a running apply then records, and rewrites its changes",
);

/**
 * README (Watch mode): "Watch ... never touches a file that was applied meanwhile (`kyrage apply` in another
 * terminal)"; watch writes its owned file while holding apply's advisory lock (src/watch/target.ts) so that an
 * apply cannot run between its check and its write. What happens: `apply` reads the migration files before it
 * takes that lock, so an apply that started while watch held the lock applies the file as it was before watch
 * rewrote it, and records that old checksum: the file on disk is then TAMPERED and its new change never runs.
 * The test plays watch's part exactly as src/watch/target.ts does (advisory lock, check history, write, unlock).
 */
hardTest(
  "an apply waiting while watch rewrites its pending file applies the file as written, not a stale copy",
  "postgres",
  async (target, dir) => {
    await writeConfig(dir, target, BLOCKER);
    await cli(dir, ["generate"]);
    await cli(dir, ["apply"]);
    await writeConfig(dir, target, BLOCKER_AND_MORE);
    await cli(dir, ["generate"]);
    const [, owned] = await readMigrations(`${dir}/migrations`);
    const watch = postgres(target.databaseUrl!, { max: 1, onnotice: () => {} });
    const observer = await observe(target);
    try {
      const session = await watch.reserve();
      await session`select pg_advisory_lock(${LOCK_KEY.toString()}::bigint)`;
      const apply = watchOutput(spawnCli(["apply"], { cwd: dir }));
      await apply.printed(/Waiting for another kyrage process/);
      // watch's cycle: not applied (history checked under the lock), so the owned file is rewritten.
      assert.ok(!(await readHistory(observer.db)).some((h) => h.id === owned.id));
      await writeMigration(`${dir}/migrations`, {
        ...owned.file,
        operations: [{ kind: "create_table", schema: "public", table: "rewritten", columns: [] }],
      });
      await session`select pg_advisory_unlock(${LOCK_KEY.toString()}::bigint)`;
      session.release();
      const { code, text } = await apply.finished();
      assert.equal(code, 0, text);
      const status = await cli(dir, ["status"]);
      assert.doesNotMatch(status, /TAMPERED|edited/i, "the recorded checksum is the file's");
      const r = await sql<{ found: boolean }>`select to_regclass('public.rewritten') is not null as found`
        .execute(observer.db);
      assert.ok(r.rows[0].found, "the file as it is on disk was applied");
    } finally {
      await observer.close();
      await watch.end({ timeout: 1 });
    }
  },
  "apply reads the migration files before it takes the advisory lock: a file watch rewrote meanwhile is applied stale",
);

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
async function killProject(target: TestDatabase, dir: string, rows: number) {
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
async function afterKill(dir: string, db: WithDb, rows: number, step: string, context: string): Promise<string[]> {
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
async function converged(dir: string, db: WithDb, rows: number, step: string, pending: string[]) {
  await cli(dir, ["apply"]);
  const history = await afterKill(dir, db, rows, step, "after the re-run");
  for (const id of pending) assert.ok(history.includes(id), `${id} applied by the re-run`);
  await cli(dir, ["plan", "--exit-code"]);
  await cli(dir, ["status", "--exit-code"]);
  assert.deepEqual(await db(invalidIndexes), [], "no invalid index left behind");
}

/** Milliseconds after apply's session appears (server) or after the process starts (PGlite). */
const SERVER_KILLS = [0, 30, 80, 150, 250, 400, 600, 900, 1300, 1800];
const PGLITE_KILLS = [1500, 3000, 4000, 5500];

/**
 * README (Safety): "A killed `apply` leaves no half-applied migration"; "Interrupted concurrent builds
 * converge"; (Migration files) a hand-written step runs "in the migration's transaction". Gap: the existing
 * kill tests use many tiny files of CREATE TABLE; here one apply of several files on a populated table, with
 * concurrent index builds (outside a transaction) and a hand-written backfill, is killed at ten moments.
 */
hardTest(
  "SIGKILL at ten moments of a multi-file apply on a populated table: status true, re-run converges",
  "postgres",
  async (target, dir) => {
    const rows = 100_000;
    const { pending, step } = await killProject(target, dir, rows);
    const database = await observe(target);
    const db = withDb(target, database);
    const progress: string[] = [];
    try {
      for (const [round, delay] of SERVER_KILLS.entries()) {
        const child = spawnCli(["apply"], { cwd: dir });
        const output = outputOf(child);
        await waitFor("apply's session", async () => (await otherSessions(database)).length > 0)
          .catch(() => {});
        await new Promise((r) => setTimeout(r, delay));
        child.kill("SIGKILL");
        const { code } = await output;
        // The server ends the dead client's session (a concurrent build's session ends when its build does).
        await waitFor("the killed sessions to end", async () => (await otherSessions(database)).length === 0);
        const history = await afterKill(dir, db, rows, step, `kill ${round} at ${delay} ms`);
        progress.push(`${delay}ms:${history.length - 1}${code === 0 ? "(done)" : ""}`);
      }
      // deno-lint-ignore no-console -- how far each killed apply got
      console.log(`  migrations applied after each kill: ${progress.join(" ")}`);
      await converged(dir, db, rows, step, pending);
    } finally {
      await database.close();
    }
  },
);

/**
 * README: "With no database configured it uses an embedded PostgreSQL ([PGlite]...)"; (Safety) "A killed
 * `apply` leaves no half-applied migration". PGlite's on-disk directory is killed mid-apply: it must open
 * again without a corruption message, with a history that matches what is in it.
 */
hardTest(
  "SIGKILL at four moments of apply on PGlite's on-disk directory: it re-opens, history consistent, re-run converges",
  "pglite",
  async (target, dir) => {
    const rows = 10_000;
    const { pending, step } = await killProject(target, dir, rows);
    const progress: string[] = [];
    for (const [round, delay] of PGLITE_KILLS.entries()) {
      const child = spawnCli(["apply"], { cwd: dir });
      const output = outputOf(child);
      await new Promise((r) => setTimeout(r, delay));
      child.kill("SIGKILL");
      const { code, text } = await output;
      assert.doesNotMatch(text, /corrupt|invalid page|PANIC/i);
      const history = await afterKill(dir, withDb(target), rows, step, `kill ${round} at ${delay} ms`);
      progress.push(`${delay}ms:${history.length - 1}${code === 0 ? "(done)" : ""}`);
    }
    // deno-lint-ignore no-console -- how far each killed apply got
    console.log(`  migrations applied after each kill: ${progress.join(" ")}`);
    await converged(dir, withDb(target), rows, step, pending);
  },
);

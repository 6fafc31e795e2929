/**
 * The server ends apply's session (pg_terminate_backend, as a server restart
 * or an administrator does): kyrage says which migration was running and
 * that PostgreSQL rolled it back, exits 1 without a stack trace, and a
 * re-run continues.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { readHistory } from "../../src/migrations/history.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { createTestDatabase } from "../support/backends.ts";
import { projectFor, runCli, spawnCli } from "../support/cli.ts";
import {
  checkAllOrNothing,
  interruptedApply,
  seededRandom,
  testSeed,
  writeManyMigrations,
} from "../support/all_or_nothing.ts";
import {
  blockedOn,
  exists,
  holdLock,
  migration,
  observe,
  otherSessions,
  outputOf,
  table,
  waitFor,
} from "../support/sessions.ts";

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

/** A crash report, not an error message: a TypeError, or stack frames. */
const CRASH = /TypeError|Uncaught|unexpected error|^\s+at /m;

Deno.test({
  name: "a terminated session during apply: the running migration is named and rolled back, a re-run continues",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    const dir = await projectFor(target, "");
    const database = await target.open();
    try {
      await migration(dir, "20250101000000000", table("blocker"));
      await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
      await migration(dir, "20250102000000000", [
        ...table("first_step"),
        { kind: "add_column", schema: "public", table: "blocker", column: { name: "x", type: "text", notNull: false } },
      ]);
      const release = await holdLock(target.databaseUrl!, "blocker");
      const child = spawnCli(["apply", "--statement-lock-timeout", "60s"], { cwd: dir });
      try {
        await waitFor("apply to block on the lock", () => blockedOn(database, '"blocker" ADD COLUMN'));
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
                  where pid <> pg_backend_pid() and position('"blocker" ADD COLUMN' in query) > 0`.execute(database.db);
        const { code, text } = await outputOf(child);
        assert.equal(code, 1, text);
        assert.doesNotMatch(text, CRASH);
        assert.match(text, /connection to PostgreSQL was lost while migration 20250102000000000/);
        assert.match(text, /PostgreSQL rolled it back/);
        assert.match(text, /re-run `kyrage apply`/i);
      } finally {
        await release();
      }
      assert.equal(await exists(database, "first_step"), false, "the migration's first statement was rolled back");
      assert.deepEqual((await readHistory(database.db)).map((h) => h.id), ["20250101000000000"]);
      const rerun = await runCli(["apply"], { cwd: dir });
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.ok(await exists(database, "first_step"));
      assert.deepEqual((await readHistory(database.db)).map((h) => h.id), ["20250101000000000", "20250102000000000"]);
    } finally {
      await database.close();
      await Deno.remove(dir, { recursive: true });
      await target.dispose();
    }
  },
});

Deno.test({
  name: "sessions ended at random moments of a long apply: never a crash, every migration all or nothing",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const seed = testSeed();
    // deno-lint-ignore no-console -- the seed is what makes a failure reproducible
    console.log(`  seed ${seed} (KYRAGE_TEST_SEED=${seed} replays these moments)`);
    const random = seededRandom(seed);
    const target = await createTestDatabase("postgres");
    const dir = await projectFor(target, "");
    const database = await observe(target);
    try {
      const many = await writeManyMigrations(dir, 60, 2);
      const outcomes: string[] = [];
      for (let round = 0; round < 10; round++) {
        const { status, output } = await interruptedApply(dir, random, async () => {
          for (const pid of await otherSessions(database)) {
            await sql`select pg_terminate_backend(${pid})`.execute(database.db);
          }
        });
        const context = `round ${round} (seed ${seed})`;
        assert.doesNotMatch(output, CRASH, context);
        if (status.code === 1) assert.match(output, /The connection to PostgreSQL was lost while/, context);
        else assert.equal(status.code, 0, `${context}: ${output}`);
        outcomes.push(
          /while committing/.test(output)
            ? "commit"
            : /while no migration/.test(output)
            ? "between"
            : String(status.code),
        );
        await waitFor("the ended sessions to go", async () => (await otherSessions(database)).length === 0);
        await checkAllOrNothing(database, many, context);
      }
      // deno-lint-ignore no-console -- where the sessions were ended: exit code, or "commit"/"between"
      console.log(`  outcomes: ${outcomes.join(" ")}`);
      const rerun = await runCli(["apply"], { cwd: dir });
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.equal(await checkAllOrNothing(database, many, "final run"), many.ids.length);
    } finally {
      await database.close();
      await Deno.remove(dir, { recursive: true });
      await target.dispose();
    }
  },
});

/**
 * What apply tells the user: options checked before anything runs,
 * PostgreSQL's DETAIL and HINT with a failing statement, a notice before a
 * file that allows destructive changes runs them, and the statement lock
 * timeout actually bounding a wait.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import postgres from "postgres";
import { KyrageError } from "../../src/errors.ts";
import { readHistory } from "../../src/migrations/history.ts";
import { applyMigrations, LOCK_KEY } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { backendTest, createTestDatabase, databaseTest } from "../support/backends.ts";
import { projectFor, runCli, spawnCli, tempProject } from "../support/cli.ts";
import { exists, holdLock, migration, outputOf, table } from "../support/sessions.ts";

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

Deno.test("apply options are checked before connecting: a bad duration names the option and the value", async () => {
  // Nothing listens on port 1: an option checked after connecting would report the connection instead.
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
export default defineConfig({ database: { dialect: "postgres", connectionString: "postgres://kyrage@127.0.0.1:1/none" }, tables: [] });`,
  });
  try {
    for (
      const [args, pattern] of [
        [["--statement-lock-timeout", "abc"], /--statement-lock-timeout takes a PostgreSQL duration.*not "abc"/],
        [["--statement-lock-timeout", "10 parsecs"], /--statement-lock-timeout takes .*not "10 parsecs"/],
        [["--statement-lock-timeout", "30d"], /at most about 24 days\), not "30d"/],
        [["--lock-timeout", "abc"], /--lock-timeout takes a number of seconds.*not "abc"/],
        [["--lock-timeout", "-5"], /--lock-timeout takes a number of seconds.*not "-5"/],
      ] as const
    ) {
      const result = await runCli(["apply", ...args], { cwd: dir });
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr, pattern);
      assert.match(result.stderr, /Nothing was applied/);
      assert.doesNotMatch(result.stderr, /Cannot connect|statement:/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

backendTest("PostgreSQL durations lock_timeout accepts are accepted: 1min, 500ms, 250, 1.5s, 0", async (target) => {
  const dir = await projectFor(target, "");
  try {
    const durations = ["1min", "500ms", "250", "1.5s", "0"];
    for (const [i, duration] of durations.entries()) {
      await migration(dir, `2025010${i + 1}000000000`, table(`t${i}`));
      const result = await runCli(["apply", "--statement-lock-timeout", duration], { cwd: dir });
      assert.equal(result.code, 0, `${duration}: ${result.stderr}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

databaseTest("a failing statement shows PostgreSQL's DETAIL and what its SQLSTATE means", async (database, dir) => {
  await migration(dir, "20250101000000000", [{
    kind: "create_table",
    schema: "public",
    table: "people",
    columns: [{ name: "email", type: "text", notNull: false }],
  }]);
  await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
  await sql`insert into people values ('a@b.c'), ('a@b.c'), ('x@y.z')`.execute(database.db);
  await migration(dir, "20250102000000000", [
    { kind: "add_unique", schema: "public", table: "people", unique: { name: "people_email_key", columns: ["email"] } },
  ]);
  await assert.rejects(
    applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY),
    (e: Error) =>
      e instanceof KyrageError && e.message.includes("Migration 20250102000000000") &&
      e.message.includes("detail: Key (email)=(a@b.c) is duplicated.") &&
      e.message.includes("code: 23505 (unique_violation: existing rows hold duplicate values"),
  );
});

backendTest(
  "a file that allows destructive changes is announced before it runs; a failure shows DETAIL and HINT",
  async (target) => {
    const dir = await projectFor(target, "");
    const database = await target.open();
    try {
      await migration(dir, "20250101000000000", [
        ...table("keep", [{
          kind: "add_column",
          schema: "public",
          table: "keep",
          column: { name: "old", type: "text", notNull: false },
        }]),
        ...table("gone"),
      ]);
      await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
      await sql`create view gone_view as select * from gone`.execute(database.db);
    } finally {
      await database.close();
    }
    await migration(dir, "20250102000000000", [
      { kind: "drop_column", schema: "public", table: "keep", column: { name: "old", type: "text", notNull: false } },
    ], true);
    await migration(dir, "20250103000000000", [{
      kind: "drop_table",
      schema: "public",
      table: "gone",
      columns: ["id"],
    }], true);
    await migration(dir, "20250104000000000", table("after"));
    const result = await runCli(["apply"], { cwd: dir });
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stderr,
      /warning: migration 20250102000000000 .* allows destructive changes .*; it loses: column public\.keep\.old \(text\) and its values\./,
    );
    assert.match(result.stdout, /Applied 20250102000000000/);
    // Announced before it ran: the notice is there although the migration then failed.
    assert.match(result.stderr, /warning: migration 20250103000000000 .*it loses: table public\.gone and all its rows/);
    assert.match(result.stderr, /Migration 20250103000000000 .* failed and was rolled back/);
    assert.match(result.stderr, /detail: view gone_view depends on table gone/);
    assert.match(result.stderr, /hint: Use DROP \.\.\. CASCADE to drop the dependent objects too\./);
    assert.doesNotMatch(
      result.stderr,
      /migration 20250104000000000/i,
      "no notice for a file without destructive changes",
    );
    await Deno.remove(dir, { recursive: true });
  },
);

Deno.test({
  name: "--statement-lock-timeout bounds a statement's wait for another session's lock; the migration rolls back",
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
      const child = spawnCli(["apply", "--statement-lock-timeout", "1s"], { cwd: dir });
      // Without the timeout, apply would wait as long as the lock is held: give up on it after a minute.
      const bound = setTimeout(() => child.kill("SIGKILL"), 60_000);
      let outcome;
      try {
        outcome = await outputOf(child);
      } finally {
        clearTimeout(bound);
        await release();
      }
      assert.equal(outcome.code, 1, `apply must fail on its own, while the lock is still held: ${outcome.text}`);
      assert.match(outcome.text, /Migration 20250102000000000 .* failed and was rolled back/);
      assert.match(outcome.text, /error: canceling statement due to lock timeout/);
      assert.match(outcome.text, /code: 55P03 \(lock_not_available/);
      assert.equal(await exists(database, "first_step"), false, "rolled back");
      assert.deepEqual((await readHistory(database.db)).map((h) => h.id), ["20250101000000000"]);
    } finally {
      await database.close();
      await Deno.remove(dir, { recursive: true });
      await target.dispose();
    }
  },
});

Deno.test({
  name: "--lock-timeout bounds the wait for another apply's lock; the message names the session holding it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    const dir = await projectFor(target, "");
    await migration(dir, "20250101000000000", table("one"));
    const holder = postgres(target.databaseUrl!, { max: 1, onnotice: () => {} });
    try {
      const session = await holder.reserve();
      const [{ pid }] = await session`select pg_backend_pid() as pid, pg_advisory_lock(${LOCK_KEY.toString()}::bigint)`;
      const result = await runCli(["apply", "--lock-timeout", "1"], { cwd: dir });
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr, /Waiting for another kyrage process .*held by session \d+/);
      assert.match(
        result.stderr,
        new RegExp(`gave up waiting \\(--lock-timeout\\)\\. The lock is held by session ${pid}`),
      );
      assert.doesNotMatch(result.stdout, /Applied/);
      session.release();
    } finally {
      await holder.end({ timeout: 1 });
      await Deno.remove(dir, { recursive: true });
      await target.dispose();
    }
  },
});

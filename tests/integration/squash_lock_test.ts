/**
 * `generate --squash` against a target an apply is using, as real
 * processes: README (Commands) "replaces all migrations not yet applied on
 * the target with one file ...; applied files are never touched". On a
 * server squash holds apply's advisory lock from reading the history to the
 * last file removed; an embedded database is open in one process at a time.
 * (A squash that gives up waiting is in hard_way_test.ts.)
 */
import assert from "node:assert/strict";
import { readMigrations } from "../../src/migrations/store.ts";
import type { TestDatabase } from "../support/backends.ts";
import { spawnCli } from "../support/cli.ts";
import {
  BLOCKER,
  BLOCKER_AND_MORE,
  cli,
  hardTest,
  statusTellsTruth,
  withDb,
  writeConfig,
} from "../support/hard_way.ts";
import { blockedOn, holdLock, observe, outputOf, waitFor, watchOutput } from "../support/sessions.ts";

/** One applied migration and one pending; returns the migration files' ids. */
async function onePending(target: TestDatabase, dir: string): Promise<string[]> {
  await writeConfig(dir, target, BLOCKER);
  await cli(dir, ["generate"]);
  await cli(dir, ["apply"]);
  await writeConfig(dir, target, BLOCKER_AND_MORE);
  await cli(dir, ["generate"]);
  return (await readMigrations(`${dir}/migrations`)).map((m) => m.id);
}

hardTest(
  "generate --squash waits for a running apply, then squashes only what it left pending: nothing",
  "postgres",
  async (target, dir) => {
    const ids = await onePending(target, dir);
    const observer = await observe(target);
    try {
      const release = await holdLock(target.databaseUrl!, "blocker");
      const apply = spawnCli(["apply", "--statement-lock-timeout", "60s"], { cwd: dir });
      let squash: ReturnType<typeof watchOutput>;
      try {
        await waitFor("apply to block on the table", () => blockedOn(observer, '"blocker" ADD COLUMN'));
        squash = watchOutput(spawnCli(["generate", "--squash"], { cwd: dir }));
        await squash.printed(/Waiting for the kyrage apply running on .* to finish/);
      } finally {
        await release();
      }
      const applied = await outputOf(apply);
      assert.equal(applied.code, 0, applied.text);
      const { code, text } = await squash.finished();
      assert.equal(code, 0, text);
      assert.match(text, /No changes/);
      assert.deepEqual((await readMigrations(`${dir}/migrations`)).map((m) => m.id), ids, text);
      await statusTellsTruth(dir, withDb(target, observer), "after squash waited for apply");
      await cli(dir, ["plan", "--exit-code"]);
    } finally {
      await observer.close();
    }
  },
);

hardTest(
  "generate --squash while another kyrage process holds the embedded database leaves every file as it was",
  "pglite",
  async (target, dir) => {
    const ids = await onePending(target, dir);
    // As a running apply does: the data directory open, so its OS lock held.
    const held = await target.open();
    try {
      const squash = await outputOf(spawnCli(["generate", "--squash"], { cwd: dir }));
      assert.notEqual(squash.code, 0, squash.text);
      assert.match(squash.text, /in use by another kyrage process/);
      assert.deepEqual((await readMigrations(`${dir}/migrations`)).map((m) => m.id), ids, squash.text);
    } finally {
      await held.close();
    }
    await cli(dir, ["generate", "--squash"]);
    const [first, squashed, ...more] = (await readMigrations(`${dir}/migrations`)).map((m) => m.id);
    assert.deepEqual([first, more], [ids[0], []], "squash replaced the pending file once the database was free");
    assert.notEqual(squashed, ids[1]);
    await cli(dir, ["apply"]);
    await cli(dir, ["plan", "--exit-code"]);
  },
);

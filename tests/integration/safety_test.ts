/**
 * Safe apply on production databases: crashes, concurrency, failures,
 * tampering and the destructive gate, against real databases.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { readHistory } from "../../src/migrations/history.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { column, type Config, defineTable } from "../../src/mod.ts";
import { createTestDatabase, databaseTest } from "../support/backends.ts";
import { projectFor, spawnCli } from "../support/cli.ts";
import { loaded, plan } from "../support/pipeline.ts";
import { blockedOn, exists, holdLock, migration, sessionsWith, table, waitFor } from "../support/sessions.ts";

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

Deno.test({
  name: "kill -9 in the middle of a migration, repeatedly: never half-applied, and a re-run completes [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    const dir = await projectFor(target, "");
    const database = await target.open();
    try {
      await migration(dir, "20250101000000000", table("blocker"));
      await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
      // Statement 1 creates a table, statement 2 waits on our lock, statement 3 never starts.
      await migration(dir, "20250102000000000", [
        ...table("first_step"),
        { kind: "add_column", schema: "public", table: "blocker", column: { name: "x", type: "text", notNull: false } },
        ...table("third_step"),
      ]);
      for (let round = 0; round < 3; round++) {
        const release = await holdLock(target.databaseUrl!, "blocker");
        const child = spawnCli(["apply", "--statement-lock-timeout", "60s"], { cwd: dir });
        await waitFor("apply to block on the lock", () => blockedOn(database, '"blocker" ADD COLUMN'));
        child.kill("SIGKILL");
        assert.equal((await child.status).signal, "SIGKILL");
        await release();
        // The server notices the dead client and rolls its transaction back.
        await waitFor(
          "the killed session to end",
          async () => (await sessionsWith(database, '"blocker"', false)) === 0,
        );
        assert.equal(await exists(database, "first_step"), false, `round ${round}: statement 1 was rolled back`);
        assert.deepEqual((await readHistory(database.db)).map((h) => h.id), ["20250101000000000"]);
      }
      const result = await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
      assert.deepEqual(result.applied.map((m) => m.id), ["20250102000000000"]);
      assert.ok(await exists(database, "first_step") && await exists(database, "third_step"));
    } finally {
      await database.close();
      await target.dispose();
    }
  },
});

Deno.test({
  name: "two apply processes at once apply each migration exactly once [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    const dir = await projectFor(target, "");
    const database = await target.open();
    try {
      await migration(dir, "20250101000000000", table("blocker"));
      await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
      for (let i = 2; i <= 4; i++) {
        await migration(dir, `2025010${i}000000000`, [
          ...table(`t${i}`),
          {
            kind: "add_column",
            schema: "public",
            table: "blocker",
            column: { name: `c${i}`, type: "text", notNull: false },
          },
        ]);
      }
      const release = await holdLock(target.databaseUrl!, "blocker");
      const first = spawnCli(["apply", "--statement-lock-timeout", "60s"], { cwd: dir });
      const second = spawnCli(["apply", "--statement-lock-timeout", "60s"], { cwd: dir });
      await waitFor("one apply to block on the table lock", () => blockedOn(database, '"blocker" ADD COLUMN'));
      await new Promise((r) => setTimeout(r, 1000)); // the other one is now polling the advisory lock
      await release();
      const outputs = await Promise.all([first.output(), second.output()]);
      const text = outputs.map((o) => new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr));
      assert.deepEqual(outputs.map((o) => o.code), [0, 0], text.join("\n---\n"));
      const applied = text.filter((t) => /Applied 3 migrations/.test(t));
      const waited = text.filter((t) => /Waiting for another kyrage process/.test(t) && /Nothing to apply/.test(t));
      assert.equal(applied.length, 1, text.join("\n---\n"));
      assert.equal(waited.length, 1, text.join("\n---\n"));
      const history = (await readHistory(database.db)).map((h) => h.id);
      assert.deepEqual(history, ["20250101000000000", "20250102000000000", "20250103000000000", "20250104000000000"]);
    } finally {
      await database.close();
      await target.dispose();
    }
  },
});

databaseTest(
  "a failing statement in the 2nd of 3 migrations: 1st stays, 2nd leaves no trace, 3rd not attempted",
  async (database, dir) => {
    await migration(dir, "20250101000000000", table("one"));
    await migration(dir, "20250102000000000", [
      ...table("two"),
      { kind: "add_column", schema: "public", table: "missing", column: { name: "x", type: "text", notNull: false } },
    ]);
    await migration(dir, "20250103000000000", table("three"));
    await assert.rejects(
      applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY),
      (e: Error) =>
        e instanceof KyrageError && e.message.includes("Migration 20250102000000000") &&
        e.message.includes('ALTER TABLE "public"."missing" ADD COLUMN "x" text') &&
        /relation "public\.missing" does not exist/.test(e.message),
    );
    assert.equal(await exists(database, "one"), true);
    assert.equal(await exists(database, "two"), false);
    assert.equal(await exists(database, "three"), false);
    assert.deepEqual((await readHistory(database.db)).map((h) => h.id), ["20250101000000000"]);
  },
);

const DESTRUCTIVE: [string, Config, Config, RegExp][] = [
  [
    "drop table",
    { tables: [defineTable("keep", { id: column("int") }), defineTable("gone", { id: column("int") })] },
    { tables: [defineTable("keep", { id: column("int") })] },
    /table public\.gone and all its rows/,
  ],
  [
    "drop column",
    { tables: [defineTable("t", { id: column("int"), old: column("text") })] },
    { tables: [defineTable("t", { id: column("int") })] },
    /column public\.t\.old \(text\) and its values/,
  ],
  [
    "narrow text to varchar(10)",
    { tables: [defineTable("t", { v: column("text") })] },
    { tables: [defineTable("t", { v: column("varchar(10)") })] },
    /values of public\.t\.v that do not fit character varying\(10\)/,
  ],
  [
    "narrow bigint to integer",
    { tables: [defineTable("t", { v: column("bigint") })] },
    { tables: [defineTable("t", { v: column("integer") })] },
    /do not fit integer \(was bigint\)/,
  ],
  [
    "drop a default",
    { tables: [defineTable("t", { v: column("int", { defaultSql: "7" }) })] },
    { tables: [defineTable("t", { v: column("int") })] },
    /the default of public\.t\.v \(7\)/,
  ],
  [
    "drop an index",
    { tables: [defineTable("t", { v: column("int") }, (t) => [t.index(["v"])])] },
    { tables: [defineTable("t", { v: column("int") })] },
    /index public\.t_v_idx/,
  ],
];

for (const [kind, before, after, loses] of DESTRUCTIVE) {
  databaseTest(`destructive "${kind}": refused without the flag, applied with it`, async (database, dir) => {
    await generateMigration(database, loaded(before, dir));
    await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
    await assert.rejects(generateMigration(database, loaded(after, dir)), loses);
    assert.equal((await readMigrations(`${dir}/migrations`)).length, 1, "nothing written");

    const result = await generateMigration(database, loaded(after, dir), { allowDestructive: true });
    const [, written] = await readMigrations(`${dir}/migrations`);
    assert.equal(written.file.allowDestructive, true, "the flag is recorded in the file");
    // A hand-edited file that drops the flag is refused by apply.
    assert.equal(result.paths.length, 1);
    await Deno.writeTextFile(result.paths[0], JSON.stringify({ ...written.file, allowDestructive: false }));
    await assert.rejects(applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY), loses);
    await Deno.writeTextFile(result.paths[0], JSON.stringify(written.file));
    await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
    assert.deepEqual(await plan(database, loaded(after, dir)), []);
  });
}

databaseTest(
  "hostile identifiers round-trip: quotes, spaces, unicode, reserved words, 63-byte names",
  async (database, dir) => {
    const name63 = "é".repeat(31) + "x"; // 63 bytes
    const config: Config = {
      tables: [
        defineTable(name63, {
          [`${"c".repeat(62)}"`]: column("int", { primaryKey: true }),
          "user": column("text", { unique: true }),
          "Mixed Case; DROP TABLE x --": column("text"),
          "tab\tand 'quote'": column("text"),
        }, (t) => [t.index(["user", "Mixed Case; DROP TABLE x --"])]),
        defineTable("select", { from: column("int") }, (t) => [t.reference(["from"], name63, [`${"c".repeat(62)}"`])]),
      ],
    };
    await generateMigration(database, loaded(config, dir));
    await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
    assert.deepEqual(await plan(database, loaded(config, dir)), []);
  },
);

databaseTest(
  "making a column NOT NULL while it holds NULLs is refused at generate, naming the column",
  async (database, dir) => {
    const table = (notNull: boolean) => ({
      tables: [defineTable("people", { id: column("int"), email: column("text", { notNull }) })],
    });
    await generateMigration(database, loaded(table(false), dir));
    await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
    await sql`insert into people values (1, 'a@b.c'), (2, null), (3, null)`.execute(database.db);
    await assert.rejects(
      generateMigration(database, loaded(table(true), dir)),
      (e: Error) => e instanceof KyrageError && /public\.people\.email has 2 NULL values/.test(e.message),
    );
    assert.equal((await readMigrations(`${dir}/migrations`)).length, 1, "nothing written");
    await sql`update people set email = 'x@y.z' where email is null`.execute(database.db);
    const result = await generateMigration(database, loaded(table(true), dir));
    assert.ok(result.paths.length > 0, "after the backfill it generates");
  },
);

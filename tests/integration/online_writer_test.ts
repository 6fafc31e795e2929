/**
 * Online DDL lets the application write while a populated table changes
 * (issue 17): a writer session inserts into a 1M-row table, each insert
 * giving up after waiting 1 s for a lock, while kyrage adds an index, a
 * unique constraint, a foreign key, a check and a NOT NULL. The online plan
 * never makes it give up. The plain plan holds its locks for the whole
 * transaction, which a watcher sees as the writer waiting on a lock (on a fast
 * machine each wait may stay under the writer's 1 s). No timing is asserted:
 * the writer's own lock_timeout and the server's wait events are the measure.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import postgres from "postgres";
import { generateMigration } from "../../src/migrations/generate.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { column, type Config, defineTable } from "../../src/mod.ts";
import { serverTest } from "../support/backends.ts";
import { converge, loaded } from "../support/pipeline.ts";

const ROWS = 1_000_000;

const schema = (after: boolean, online: boolean): Config => ({
  online,
  tables: [
    defineTable("accounts", { id: column("int", { primaryKey: true }) }),
    defineTable("events", {
      id: column("bigint", { primaryKey: true }),
      account_id: column("int"),
      code: column("text", { notNull: after }),
      amount: column("int"),
    }, (t) =>
      after
        ? [
          t.index(["account_id"]),
          t.unique(["code"]),
          t.reference(["account_id"], "accounts", ["id"]),
          t.check("amount >= 0"),
        ]
        : []),
  ],
});

interface Writes {
  inserted: number;
  gaveUp: number;
}

/** Until `stop` resolves, poll whether the writer is ever seen waiting on a lock. */
async function watchWaits(url: string, stop: Promise<void>): Promise<boolean> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  let done = false;
  stop.then(() => (done = true));
  let waited = false;
  try {
    while (!done && !waited) {
      const [row] = await client`select count(*)::int as n from pg_stat_activity
        where wait_event_type = 'Lock' and query like 'insert into events%'`;
      waited = row.n > 0;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await client.end({ timeout: 1 });
  }
  return waited;
}

/** Insert rows until `stop` resolves; count inserts that gave up waiting for a lock. */
async function write(url: string, stop: Promise<void>): Promise<Writes> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connection: { lock_timeout: 1000 } });
  const writes = { inserted: 0, gaveUp: 0 };
  let done = false;
  stop.then(() => (done = true));
  try {
    for (let id = ROWS + 1; !done; id++) {
      try {
        await client`insert into events values (${id}, 1, ${"w" + id}, 1)`;
        writes.inserted++;
      } catch (error) {
        if ((error as { code?: string }).code !== "55P03") throw error;
        writes.gaveUp++;
      }
    }
  } finally {
    await client.end({ timeout: 1 });
  }
  return writes;
}

for (const online of [true, false]) {
  serverTest(
    `a writer during ${online ? "the online" : "the plain"} plan on a 1M-row table ${
      online ? "never waits a second for a lock" : "is blocked"
    }`,
    async (database, dir, target) => {
      await converge(database, dir, schema(false, online));
      await sql`insert into accounts select g from generate_series(1, 1000) g`.execute(database.db);
      await sql`insert into events select g, 1 + g % 1000, 'c' || g, g % 100 from generate_series(1, ${ROWS}::int) g`
        .execute(database.db);
      await sql`analyze events`.execute(database.db);
      const config = loaded(schema(true, online), dir);
      await generateMigration(database, config);
      let finished!: () => void;
      const stop = new Promise<void>((resolve) => (finished = resolve));
      const writer = write(target.databaseUrl!, stop);
      const watcher = watchWaits(target.databaseUrl!, stop);
      await new Promise((r) => setTimeout(r, 200)); // the writer is inserting
      try {
        await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), {
          lockWaitMs: 60_000,
          statementLockTimeout: "60s",
        });
      } finally {
        finished();
      }
      const writes = await writer;
      const waited = await watcher;
      assert.ok(writes.inserted > 0, "the writer wrote during the migration");
      if (online) assert.equal(writes.gaveUp, 0, `online: no insert waited 1 s (${JSON.stringify(writes)})`);
      else assert.ok(writes.gaveUp > 0 || waited, `plain: inserts were blocked (${JSON.stringify(writes)})`);
    },
  );
}

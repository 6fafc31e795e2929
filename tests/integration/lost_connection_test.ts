/**
 * The guard on reserved connections (src/dialect/postgres/lost_connection.ts)
 * on its own: after the server ends a session mid-query, that connection
 * rejects further queries instead of crashing the process, the pool goes on
 * with healthy connections, and closing does not hang.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { isConnectionLost } from "../../src/dialect/postgres/lost_connection.ts";
import { createTestDatabase } from "../support/backends.ts";
import { waitFor } from "../support/sessions.ts";

Deno.test({
  name: "a session the server ends mid-query: its connection rejects, the pool keeps working, close returns",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    const database = await target.open();
    const admin = await target.open();
    let closing: Promise<void> | undefined;
    try {
      await database.db.connection().execute(async (conn) => {
        const { pid } = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0];
        // Its rejection is caught at once: it may come before the terminate call returns.
        const sleeping = sql`select pg_sleep(30)`.execute(conn).then(() => undefined, (error: unknown) => error);
        await waitFor("the query to run", async () => {
          const r = await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity where pid = ${pid} and state = 'active'`.execute(admin.db);
          return r.rows[0].n === 1;
        });
        await sql`select pg_terminate_backend(${pid})`.execute(admin.db);
        assert.ok(isConnectionLost(await sleeping), "the running query is rejected as a lost connection");
        // postgres.js alone would send this to a dropped socket and crash the process from a timer.
        await assert.rejects(sql`select 1`.execute(conn), isConnectionLost);
      });
      // The dead connection was not handed back: the next query gets a live one.
      const r = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      assert.equal(r.rows[0].one, 1);
      // postgres.js alone waits forever for the dead connection to end: bound it, generously.
      let bound: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise((_, reject) => bound = setTimeout(() => reject(new Error("close() hung")), 30_000));
      await Promise.race([closing = database.close(), hung]).finally(() => clearTimeout(bound));
    } finally {
      if (!closing) await database.close();
      await admin.close();
      await target.dispose();
    }
  },
});

/**
 * `kyrage plan | psql` is safe: the plan's comment lines never carry a raw
 * newline, so a hostile name cannot end a comment and run as SQL.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestDatabase } from "../support/backends.ts";
import { projectFor, runCli } from "../support/cli.ts";

Deno.test({
  name: "plan piped into psql runs only the plan, whatever the names hold [postgres]",
  sanitizeResources: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    const database = await target.open();
    try {
      await sql`create schema other`.execute(database.db);
      await sql`create table other.victim (id int)`.execute(database.db);
      const hostile = "x\nDROP TABLE other.victim; --";
      const dir = await projectFor(
        target,
        `defineTable(${JSON.stringify(`t\r\nDROP TABLE other.victim;`)}, { ${
          JSON.stringify(hostile)
        }: column("int") })`,
      );
      const plan = await runCli(["plan"], { cwd: dir });
      assert.equal(plan.code, 0, plan.stderr);
      const psql = new Deno.Command("psql", {
        args: ["-X", "-v", "ON_ERROR_STOP=1", "-q", target.databaseUrl!],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = psql.stdin.getWriter();
      await writer.write(new TextEncoder().encode(plan.stdout));
      await writer.close();
      const ran = await psql.output();
      assert.ok(ran.success, new TextDecoder().decode(ran.stderr));
      const victim = await sql<{ found: boolean }>`select to_regclass('other.victim') is not null as found`
        .execute(database.db);
      assert.equal(victim.rows[0].found, true, "the unmanaged table is still there");
      assert.equal((await runCli(["plan", "--exit-code"], { cwd: dir })).code, 0, "psql ran the whole plan");
      for (const line of plan.stdout.split("\n")) {
        if (line.startsWith("--")) assert.doesNotMatch(line, /\r/, "no carriage return inside a comment");
      }
    } finally {
      await database.close();
      await target.dispose();
    }
  },
});

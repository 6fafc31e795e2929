/**
 * `dev: { connectionString }` when a command is killed: a SIGKILL leaves
 * its scratch database behind (nothing runs in a killed process), so the
 * next command that makes one drops such leftovers, and only those: a
 * scratch database another kyrage still uses is left alone. A password in
 * the connection string is never printed, the server reachable or not.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { type Database, openDatabase } from "../../src/dialect/database.ts";
import { createTestDatabase } from "../support/backends.ts";
import { runCli, spawnCli, tempProject } from "../support/cli.ts";

const SCHEMA = `import { column as c, defineTable as t } from "kyrage";
export const members = t("members", { id: c("uuid", { primaryKey: true }) });`;

const project = (devUrl: string) =>
  tempProject({
    "schema.ts": SCHEMA,
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({ dev: { connectionString: ${JSON.stringify(devUrl)} }, tables: [members] });`,
  });

Deno.test({
  name: "a scratch dev database left by a killed command is dropped by the next one; one in use is kept",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await createTestDatabase("postgres");
    const db = await server.open();
    const scratches = async () =>
      (await sql<{ name: string }>`select datname as name from pg_database
        where datname like 'kyrage_dev_%' order by 1`.execute(db.db)).rows.map((r) => r.name);
    let session: Database | undefined;
    const before = new Set(await scratches());
    try {
      const dir = await project(server.databaseUrl!);
      const mine = async () => (await scratches()).filter((n) => !before.has(n));
      // `watch --dev` plans in a scratch database on dev.connectionString's server.
      const killed = spawnCli(["watch", "--dev"], { cwd: dir });
      for (let i = 0; i < 300 && (await mine()).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
      killed.kill("SIGKILL");
      await killed.output();
      const left = await mine();
      assert.equal(left.length, 1, "the killed watch left its scratch database");
      // It is as old as a leftover gets to be before it counts as one.
      const stale = `kyrage_dev_${(Date.now() - 3_600_000).toString(36)}_deadbeef`;
      await sql`alter database ${sql.id(left[0])} rename to ${sql.id(stale)}`.execute(db.db);

      // A scratch database as old, but with a session on it: another kyrage's, in use.
      const inUse = `kyrage_dev_${(Date.now() - 3_600_000).toString(36)}_feedbeef`;
      await sql`create database ${sql.id(inUse)}`.execute(db.db);
      const url = new URL(server.databaseUrl!);
      url.pathname = `/${inUse}`;
      session = await openDatabase({ dialect: "postgres", connectionString: url.toString() });
      const plan = await runCli(["plan", "--dev"], { cwd: dir });
      assert.equal(plan.code, 0, plan.stderr);
      const after = await mine();
      assert.ok(!after.includes(stale), `the leftover is dropped: ${after.join(", ")}`);
      assert.ok(after.includes(inUse), "a scratch database in use is kept");
    } finally {
      await session?.close();
      for (const name of (await scratches()).filter((n) => !before.has(n))) {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(db.db).catch(() => {});
      }
      await db.close();
      await server.dispose();
    }
  },
});

Deno.test("an unreachable dev.connectionString is reported without its password", async () => {
  const dir = await project("postgres://kyuser:Sup3r-S3cret-PW@127.0.0.1:1/app?sslmode=disable");
  const plan = await runCli(["plan", "--dev"], { cwd: dir });
  assert.equal(plan.code, 1, plan.stdout);
  assert.match(plan.stderr, /dev\.connectionString/);
  assert.doesNotMatch(plan.stdout + plan.stderr, /Sup3r-S3cret-PW/);
});

/**
 * `dev: { connectionString }` when a command is killed: a SIGKILL leaves
 * its scratch database behind (nothing runs in a killed process), so the
 * next command that makes one drops such leftovers, and only those: a
 * scratch database another kyrage still uses is left alone. A password in
 * the connection string is never printed, the server reachable or not.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
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
  name: "watch --dev plans in a scratch database on dev.connectionString's server",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await createTestDatabase("postgres");
    const db = await server.open();
    const scratches = async () =>
      (await sql<{ name: string }>`select datname as name from pg_database
        where datname like 'kyrage_dev_%' order by 1`.execute(db.db)).rows.map((r) => r.name);
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
    } finally {
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

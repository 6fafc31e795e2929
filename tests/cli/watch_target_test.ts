/**
 * A save that points the config at another database moves the watch
 * session there: it plans against the new database from that cycle on,
 * says so, and keeps no migration the new database does not need.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestDatabase } from "../support/backends.ts";
import { spawnCli, tempProject } from "../support/cli.ts";
import { exitStatus, Transcript } from "../support/transcript.ts";

const config = (url: string) =>
  `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({
  database: { dialect: "postgres", connectionString: ${JSON.stringify(url)} },
  tables: [defineTable("items", { id: column("int", { primaryKey: true }) })],
});`;

Deno.test({
  name: "watch follows a config that names another database [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const empty = await createTestDatabase("postgres");
    const holding = await createTestDatabase("postgres");
    const database = await holding.open();
    try {
      await sql`create table items (id int primary key)`.execute(database.db);
      const dir = await tempProject({ "kyrage.config.ts": config(empty.databaseUrl!) });
      const child = spawnCli(["watch"], { cwd: dir });
      const out = new Transcript(child.stdout);
      const err = new Transcript(child.stderr);
      try {
        await out.waitFor(/kyrage\.config\.ts: 1 operation .* → .*\.json/);
        assert.equal([...Deno.readDirSync(`${dir}/migrations`)].length, 1);
        const mark = out.text.length;
        await Deno.writeTextFile(`${dir}/kyrage.config.ts`, config(holding.databaseUrl!));
        await out.waitFor(/kyrage\.config\.ts: 0 operations .* nothing to change/, mark);
        assert.match(err.text, /the config now names postgres:\/\/.*: watch plans against it from now on/);
        assert.deepEqual([...Deno.readDirSync(`${dir}/migrations`)], [], "the new database needs no migration");
      } finally {
        child.kill("SIGINT");
        assert.equal((await exitStatus(child)).code, 0, err.text);
      }
    } finally {
      await database.close();
      await empty.dispose();
      await holding.dispose();
    }
  },
});

/**
 * README claims (commands, safety, migration files) checked through the real CLI, on the test server and on
 * PGlite. Each test quotes the claim it holds the code to.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { openPglite } from "../../src/dialect/pglite/connect.ts";
import { spellingsOf } from "../../src/dialect/connection_string.ts";
import { backendTest, createTestDatabase } from "../support/backends.ts";
import { projectFor, runCli, spawnCli, tempProject, watchUntilError } from "../support/cli.ts";
import { migrationNames } from "../support/claims.ts";

const TABLES = `defineTable("items", { id: column("int", { primaryKey: true }), note: column("text") })`;

// README "Safety": "Secrets: a password is never printed, whatever the connection string's shape (URL, libpq
// `key=value`, or one that does not parse); every line kyrage prints is scrubbed of it, as is or percent-encoded."
// A config with a syntax error on the line of its connection string is reported with Deno's source excerpt, which
// holds the password: the config's password is only registered once the config has loaded.
Deno.test("a config that does not parse never prints the password on its connectionString line", async () => {
  const password = "Xq7-Secret-Pw";
  const shapes = [
    `postgres://app:${password}@127.0.0.1:1/app`,
    `host=127.0.0.1 port=1 dbname=app user=app password=${password}`,
  ];
  for (const connectionString of shapes) {
    const dir = await tempProject({
      "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({
  database: { dialect: "postgres", connectionString: ${JSON.stringify(connectionString)} } }},
  tables: [${TABLES}],
});
`,
    });
    const result = await runCli(["plan"], { cwd: dir });
    assert.equal(result.code, 1, "the config does not parse");
    assert.match(result.stderr, /Cannot load config/);
    const watched = await watchUntilError(dir, [], {});
    assert.match(watched, /Cannot load config/);
    for (const printed of [result.stdout + result.stderr, watched]) {
      assert.match(printed, /kyrage\.config\.ts:3:\d+/, "the error still says where");
      for (const spelling of spellingsOf(password)) {
        assert.ok(!printed.includes(spelling), `the password was printed (${connectionString}):\n${printed}`);
      }
    }
  }
});

// README "Safety": "No migration that can only fail: `generate` refuses (and `plan` marks `WILL FAIL`), naming the
// object and what to do: a column made NOT NULL while it holds NULLs (with how many) ...". `generate --squash` plans
// on the dev database (empty) and never runs the target's checks, so it writes the migrations `generate` refuses.
backendTest("generate --squash refuses a NOT NULL on a column that holds NULLs, as generate does", async (target) => {
  const dir = await projectFor(target, TABLES);
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  assert.equal((await cli("generate")).code, 0);
  assert.equal((await cli("apply")).code, 0);
  const database = await target.open();
  try {
    await sql`insert into items (id, note) values (1, null)`.execute(database.db);
  } finally {
    await database.close();
  }
  const config = `${dir}/kyrage.config.ts`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)).replace(`note: column("text")`, `note: column("text", { notNull: true })`),
  );
  const before = migrationNames(dir);

  const generate = await cli("generate");
  assert.equal(generate.code, 1, "generate refuses it");
  assert.match(generate.stderr, /has 1 NULL values/);

  const squash = await cli("generate", "--squash");
  assert.deepEqual(migrationNames(dir), before, `--squash wrote a migration that can only fail:\n${squash.stdout}`);
  assert.equal(squash.code, 1, squash.stdout + squash.stderr);
  assert.match(squash.stderr, /has 1 NULL values/);
});

// A pending hand-written step (a backfill) has no place in a squashed plan: squashing would drop it.
backendTest("generate --squash refuses to drop a pending hand-written SQL step, naming its file", async (target) => {
  const dir = await projectFor(target, TABLES);
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  assert.equal((await cli("generate")).code, 0);
  assert.equal((await cli("apply")).code, 0);
  assert.equal((await cli("generate", "--sql-step")).code, 0);
  const [step] = migrationNames(dir).slice(-1);
  const path = `${dir}/migrations/${step}`;
  const file = JSON.parse(await Deno.readTextFile(path));
  file.operations[0].sql = "update items set note = 'backfilled' where note is null";
  await Deno.writeTextFile(path, JSON.stringify(file, null, 2));
  const config = `${dir}/kyrage.config.ts`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)).replace(`note: column("text")`, `note: column("varchar(20)")`),
  );
  const before = migrationNames(dir);
  const squash = await cli("generate", "--squash", "--allow-destructive");
  assert.equal(squash.code, 1, squash.stdout + squash.stderr);
  assert.match(squash.stderr, new RegExp(`hand-written SQL step in .*${step}`));
  assert.deepEqual(migrationNames(dir), before, "nothing written or removed");
});

// README "Safety": "Destructive-change gate: dropping ... a default ... is decided from the operation's type, never
// from SQL text. ... `apply` refuses destructive operations in a file without it". A file whose operation is of
// kind `drop_default` (the kind the plan uses when a routine a default calls is replaced) drops the default with
// `"allowDestructive": false`.
backendTest("apply refuses a drop_default operation in a file without allowDestructive", async (target) => {
  const dir = await projectFor(
    target,
    `defineTable("items", { id: column("int", { primaryKey: true }), note: column("text", { defaultSql: "'x'" }) })`,
  );
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  assert.equal((await cli("generate")).code, 0);
  assert.equal((await cli("apply")).code, 0);
  const id = "20990101000000000";
  await Deno.writeTextFile(
    `${dir}/migrations/${id}.json`,
    JSON.stringify(
      {
        format: 1,
        id,
        createdAt: "2099-01-01T00:00:00.000Z",
        allowDestructive: false,
        operations: [{ kind: "drop_default", schema: "public", table: "items", column: "note", default: "'x'::text" }],
      },
      null,
      2,
    ) + "\n",
  );
  const apply = await cli("apply");
  const database = await target.open();
  let defaults: unknown[];
  try {
    defaults = (await sql<{ d: string | null }>`
      select column_default as d from information_schema.columns
      where table_schema = 'public' and table_name = 'items' and column_name = 'note'`.execute(database.db))
      .rows.map((r) => r.d);
  } finally {
    await database.close();
  }
  assert.deepEqual(defaults, ["'x'::text"], `the default was dropped without --allow-destructive:\n${apply.stdout}`);
  assert.equal(apply.code, 1);
  assert.match(apply.stderr, /destructive/);
});

// README "Safety": "Advisory lock: concurrent `apply` processes serialize; the second waits (`--lock-timeout`,
// default 300 s), says so, then finds nothing pending." On the embedded database (the Quick start's default) the
// second apply does not wait: it fails at once because another process holds the data directory.
Deno.test({
  name: "apply on the embedded database waits for another process that holds it, says so, then applies [pglite]",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const target = await createTestDatabase("pglite");
    try {
      const dir = await projectFor(target, TABLES);
      assert.equal((await runCli(["generate"], { cwd: dir })).code, 0);
      const holder = await openPglite(target.dataDir!);
      let released = false;
      const child = spawnCli(["apply"], { cwd: dir });
      const stdout = new Response(child.stdout).text();
      let stderr = "";
      try {
        const decoder = new TextDecoder();
        // Read until apply says it waits, or until it ends (stderr closes) without waiting.
        for await (const chunk of child.stderr) {
          stderr += decoder.decode(chunk, { stream: true });
          if (/Waiting for another kyrage process/.test(stderr)) {
            released = true;
            await holder.close();
          }
        }
      } finally {
        if (!released) await holder.close();
      }
      const status = await child.status;
      const printed = (await stdout) + stderr;
      assert.match(stderr, /Waiting for another kyrage process/, `the second process did not wait:\n${printed}`);
      assert.equal(status.code, 0, printed);
      assert.match(printed, /Applied 1 migration to pglite:/);
    } finally {
      await target.dispose();
    }
  },
});

// README "Migration files": "Upstream's `migrations/<epoch-ms>.json` files are ignored once `import-upstream` has
// taken them over (and stop every command, pointing at it, until then)." `plan` goes on as if they were not there.
Deno.test("plan stops at a migration file of @izumisy/kyrage not yet imported, pointing at import-upstream", async () => {
  const upstream = {
    version: "1",
    id: "1755525514175",
    diff: {
      operations: [{
        type: "create_table",
        table: "members",
        columns: { id: { type: "uuid", primaryKey: true, notNull: true, unique: false } },
      }],
    },
  };
  const dir = await tempProject({
    "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ database: { dialect: "pglite", dataDir: "memory://" }, tables: [${TABLES}] });`,
    "migrations/1755525514175.json": JSON.stringify(upstream),
  });
  // The same project stops `status`: the file is found and named.
  const status = await runCli(["status"], { cwd: dir });
  assert.equal(status.code, 1);
  assert.match(status.stderr, /1755525514175\.json is a migration file of @izumisy\/kyrage, not yet imported/);

  const plan = await runCli(["plan"], { cwd: dir });
  assert.equal(plan.code, 1, `plan went on:\n${plan.stdout}`);
  assert.match(plan.stderr, /1755525514175\.json is a migration file of @izumisy\/kyrage[^\n]*import-upstream/);
});

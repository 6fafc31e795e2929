/**
 * Switching from @izumisy/kyrage: `import-upstream` on a database upstream
 * built (hand-written fixture in upstream's documented format) converts its
 * files, records the applied ones, drops nothing, and from then on kyrage
 * plans empty and applies the rest.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { backendTest } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";
import { buildUpstreamDatabase, SCHEMA_AFTER_FILE_3, upstreamFiles } from "../support/upstream_fixture.ts";

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

backendTest("import-upstream takes over upstream's files and history; plan is empty after", async (target) => {
  const setup = await target.open();
  try {
    await buildUpstreamDatabase(setup);
  } finally {
    await setup.close();
  }
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members, posts } from "./schema";
export default defineConfig({ database: ${databaseBlock(target)}, tables: [members, posts] });`,
    "schema.ts": SCHEMA_AFTER_FILE_3,
    ...upstreamFiles(),
  });
  const cli = (...args: string[]) => runCli(args, { cwd: dir });

  const before = await cli("status");
  assert.equal(before.code, 1);
  assert.match(
    before.stderr,
    /1755525514175\.json.* of @izumisy\/kyrage, not yet imported\. Run `kyrage import-upstream`/,
  );

  const imported = await cli("import-upstream");
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /Imported 3 migrations .* 3 kyrage files written, 2 migrations recorded as applied/);
  assert.match(imported.stdout, /you may delete them/);
  const names = [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name).sort();
  assert.deepEqual(names, [
    "1755525514175.json",
    "1755600000500.json",
    "1755700000000.json",
    "20250818135834175.json",
    "20250819104000500.json",
    "20250820142640000.json",
  ]);

  const db = await target.open();
  try {
    const history = await sql<{ id: string; checksum: string; applied_at: Date }>`
      select id, checksum, applied_at from kyrage_migrations order by id`.execute(db.db);
    assert.deepEqual(history.rows.map((r) => [r.id, r.checksum, new Date(r.applied_at).toISOString()]), [
      ["20250818135834175", await sha256(`${dir}/migrations/20250818135834175.json`), "2025-08-18T13:58:40.002Z"],
      ["20250819104000500", await sha256(`${dir}/migrations/20250819104000500.json`), "2025-08-19T10:41:00.000Z"],
    ]);
  } finally {
    await db.close();
  }

  const status = await cli("status");
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /pending +20250820142640000/);
  assert.match(status.stdout, /Schema: matches what the applied migrations produce/);

  const applied = await cli("apply");
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /Applied 20250820142640000 \(2 operations/);

  const plan = await cli("plan", "--exit-code");
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /No changes/);
  assert.doesNotMatch(plan.stdout, /kysely_migration/);

  const check = await cli("check");
  assert.equal(check.code, 0, check.stdout + check.stderr);

  const again = await cli("import-upstream");
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 kyrage files written, 0 migrations recorded/);

  const after = await target.open();
  try {
    const tables = await sql<{ name: string }>`
      select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(after.db);
    assert.deepEqual(tables.rows.map((r) => r.name), [
      "kyrage_migrations",
      "kysely_migration",
      "kysely_migration_lock",
      "members",
      "posts",
    ]);
  } finally {
    await after.close();
  }
});

backendTest("import-upstream reports kysely_migration rows without a file, and refuses 0.x files", async (target) => {
  const setup = await target.open();
  try {
    await buildUpstreamDatabase(setup);
    await sql`insert into kysely_migration values ('2024_01_01_init', '2025-01-01T00:00:00.000Z')`.execute(setup.db);
  } finally {
    await setup.close();
  }
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members, posts } from "./schema";
export default defineConfig({ database: ${databaseBlock(target)}, tables: [members, posts] });`,
    "schema.ts": SCHEMA_AFTER_FILE_3,
    ...upstreamFiles(),
  });
  const imported = await runCli(["import-upstream"], { cwd: dir });
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stderr, /kysely_migration also lists 2024_01_01_init/);

  await Deno.writeTextFile(
    `${dir}/migrations/1754000000000.json`,
    JSON.stringify({ version: "1", id: "1754000000000", diff: { addedTables: [], changedTables: [] } }),
  );
  const legacy = await runCli(["import-upstream"], { cwd: dir });
  assert.equal(legacy.code, 1);
  assert.match(legacy.stderr, /1754000000000\.json is in the format of @izumisy\/kyrage 0\.x/);
});

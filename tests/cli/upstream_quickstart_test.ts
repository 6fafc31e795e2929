/**
 * Upstream's README Quick Start, copied with only the import specifier
 * changed, plans, generates and applies; with `naming: "kyrage-v1"` it gets
 * upstream's constraint names, so a database upstream built plans empty.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { backendTest, type TestDatabase } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";
import {
  buildUpstreamDatabase,
  QUICK_START_CONFIG,
  QUICK_START_SCHEMA,
  UPSTREAM_FILE_1,
  upstreamFiles,
} from "../support/upstream_fixture.ts";

/** The Quick Start config aimed at the test database: DATABASE_URL beats its connectionString; PGlite replaces it. */
function quickStart(target: TestDatabase, config = QUICK_START_CONFIG) {
  const text = target.databaseUrl
    ? config
    : config.replace(/database: \{[^}]*\},/, `database: ${databaseBlock(target)},`);
  const env: Record<string, string> = target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {};
  return { files: { "kyrage.config.ts": text, "schema.ts": QUICK_START_SCHEMA }, env };
}

backendTest("upstream's Quick Start plans, generates and applies as it is", async (target) => {
  const { files, env } = quickStart(target);
  const dir = await tempProject(files);
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
  const plan = await cli("plan");
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /CONSTRAINT "posts_author_fk" FOREIGN KEY \("author_id"\) REFERENCES "public"\."members"/);
  assert.equal((await cli("generate")).code, 0);
  const applied = await cli("apply");
  assert.equal(applied.code, 0, applied.stderr);
  const replan = await cli("plan", "--exit-code");
  assert.equal(replan.code, 0, replan.stdout);
});

backendTest(
  'naming: "kyrage-v1" gives upstream\'s default names; an upstream-built database plans empty',
  async (target) => {
    const setup = await target.open();
    try {
      await buildUpstreamDatabase(setup, 1);
    } finally {
      await setup.close();
    }
    const { files, env } = quickStart(
      target,
      QUICK_START_CONFIG.replace("tables: [members, posts],", `naming: "kyrage-v1",\n  tables: [members, posts],`),
    );
    const dir = await tempProject({ ...files, ...upstreamFiles([UPSTREAM_FILE_1]) });
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 0, imported.stderr);
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /No changes/);
    const check = await cli("check");
    assert.equal(check.code, 0, check.stdout + check.stderr);

    // Without it, the same database would be renamed to PostgreSQL's names.
    await Deno.writeTextFile(`${dir}/kyrage.config.ts`, quickStart(target).files["kyrage.config.ts"]);
    const renames = await cli("plan");
    assert.match(renames.stdout, /RENAME CONSTRAINT "members_id_primary_key" TO "members_pkey"/);
    assert.match(renames.stdout, /RENAME TO "members_name_email_key"|"idx_members_name_email" RENAME/);

    const db = await target.open();
    try {
      const history = await sql<{ n: number }>`select count(*)::int as n from kyrage_migrations`.execute(db.db);
      assert.equal(history.rows[0].n, 1);
    } finally {
      await db.close();
    }
  },
);

/**
 * README "Coming from @izumisy/kyrage", claim by claim, as a user of @izumisy/kyrage 1.6.0 meets it: a project
 * whose database upstream migrated (`tests/support/upstream_project.ts`: Kysely's history tables and rows, data in
 * the tables), its config and DSL as upstream's README writes them, then `kyrage import-upstream`, `status`, `plan`,
 * `generate`, `apply`. Each test quotes the claim it holds the code to.
 *
 * This file: importing upstream's files and history, on databases upstream built, again and again.
 */
import assert from "node:assert/strict";
import { backendTest, serverTest } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";
import { query } from "../support/claims.ts";
import {
  A1,
  A1_SQL,
  A1_TO_A3_IDS,
  A2,
  A2_SQL,
  A3,
  A4,
  appConfig,
  appProject,
  appSchema,
  asFiles,
  col,
  history,
  KYSELY_TABLES,
  kyselyRow,
  runSql,
  upstreamFile,
  upstreamProject,
} from "../support/upstream_project.ts";

// README: "Run `kyrage import-upstream` once: it converts `migrations/<epoch-ms>.json` into kyrage files [...] and
// records those upstream applied (`public.kysely_migration`) as applied, with checksums. Nothing is run." and "Add
// `naming: "kyrage-v1"` to keep upstream's default constraint and index names (`<t>_<c>_primary_key`, `pk_`, `uq_`,
// `idx_`, `fk_`)" and "`t.reference("author_id", users, "id", { onDelete })` with strings or arrays [...] and `dev: {
// connectionString }` work as they are" and "`--dev` replays on an embedded PostgreSQL".
serverTest(
  "an upstream-built database with data (every operation kind, every default name): import, then plan is empty",
  async (_db, _dir, target) => {
    const dir = await upstreamProject(target);
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /3 kyrage files written, 3 migrations recorded as applied/);
    assert.deepEqual(await history(target), A1_TO_A3_IDS);

    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /No changes/);
    const status = await cli("status");
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /Schema: matches what the applied migrations produce/);
    const generated = await cli("generate");
    assert.equal(generated.code, 0, generated.stdout + generated.stderr);
    assert.equal([...Deno.readDirSync(`${dir}/migrations`)].length, 6, "no migration written");
    // The imported history replays to the config: on the embedded database, and on dev.connectionString.
    const replayed = await cli("check");
    assert.equal(replayed.code, 0, replayed.stdout + replayed.stderr);
    await Deno.writeTextFile(
      `${dir}/kyrage.config.ts`,
      appConfig(target, `\n  dev: { connectionString: ${JSON.stringify(target.databaseUrl)} },`),
    );
    const dev = await cli("plan", "--dev", "--exit-code");
    assert.equal(dev.code, 0, dev.stdout + dev.stderr);
    assert.match(dev.stdout, /scratch database/);
    const rows = await query<{ n: number }>(
      target,
      `select (select count(*) from users)::int + (select count(*) from memberships)::int + (select count(*) from posts)::int as n`,
    );
    assert.equal(rows[0].n, 4, "nothing was run, no row lost");
  },
);

// README: "Run `kyrage import-upstream` once [...] Nothing is run." and "`generate` exits 1 while migrations are
// pending". A teammate still on upstream adds a file after the switch: importing again converts it and records
// nothing; `apply` runs it on the data.
serverTest("a file upstream generated after the import: import again, apply, plan empty", async (_db, _dir, target) => {
  const dir = await upstreamProject(target);
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  assert.equal((await cli("import-upstream")).code, 0);
  await Deno.writeTextFile(`${dir}/migrations/${A4.id}.json`, JSON.stringify(A4, null, 2));
  await Deno.writeTextFile(`${dir}/schema.ts`, appSchema(true));
  const again = await cli("import-upstream");
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /1 kyrage file written, 0 migrations recorded/);
  const pending = await cli("generate");
  assert.equal(pending.code, 1, pending.stdout);
  assert.match(pending.stdout + pending.stderr, /20251012201320000/);
  const applied = await cli("apply");
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.match(applied.stdout, /Applied 20251012201320000/);
  const plan = await cli("plan", "--exit-code");
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  const rows = await query<{ n: number }>(target, `select count(id)::int as n from memberships`);
  assert.equal(rows[0].n, 1, "the membership row got its new key");
});

// README: "records those upstream applied [...] as applied, with checksums". A file edited after upstream applied it
// no longer describes the database: `status` says so rather than "matches".
serverTest(
  "a file edited after upstream applied it: status reports the difference as drift",
  async (_db, _dir, target) => {
    const dir = await upstreamProject(target);
    const edited = structuredClone(A2);
    (edited.diff.operations as unknown[]).push({
      type: "add_column",
      table: "users",
      column: "nick",
      attributes: col("text"),
    });
    await Deno.writeTextFile(`${dir}/migrations/${A2.id}.json`, JSON.stringify(edited, null, 2));
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    assert.equal((await cli("import-upstream")).code, 0);
    const status = await cli("status");
    assert.match(status.stdout, /Schema drift[\s\S]*public\.users\.nick/);
  },
);

// README: "Run `kyrage import-upstream` once: it converts `migrations/<epoch-ms>.json` into kyrage files [...] and
// records those upstream applied" and "a baseline migration of what upstream found". A team that adopted upstream on a database
// it already had (upstream's config lists the existing table; upstream's first file changes it, replacing
// PostgreSQL's key name by upstream's) imports: the table as it is goes in a baseline before upstream's file, so
// plan, status and check pass, and importing again changes nothing.
backendTest(
  "upstream adopted on an existing table: its files import, and the plan after is empty",
  async (target) => {
    await runSql(target, [
      `create table customers (id integer primary key, name text)`,
      `insert into customers values (1, 'acme')`,
    ]);
    const file = upstreamFile("1760000000000", [
      { type: "add_column", table: "customers", column: "tier", attributes: col("text") },
      { type: "create_index", table: "customers", name: "idx_customers_name", columns: ["name"], unique: false },
      { type: "create_primary_key_constraint", table: "customers", name: "customers_id_primary_key", columns: ["id"] },
      { type: "drop_primary_key_constraint", table: "customers", name: "customers_pkey" },
    ]);
    await runSql(target, [
      ...KYSELY_TABLES,
      `alter table "customers" drop constraint "customers_pkey"`,
      `alter table "customers" add column "tier" text`,
      `create index "idx_customers_name" on "customers" ("name")`,
      `alter table "customers" add constraint "customers_id_primary_key" primary key ("id")`,
      kyselyRow(file.id),
    ]);
    const dir = await tempProject({
      "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ naming: "kyrage-v1", database: ${databaseBlock(target)}, tables: [
  t("customers", { id: c("integer", { primaryKey: true }), name: c("text"), tier: c("text") }, (t) => [t.index(["name"])]),
] });`,
      ...asFiles([file]),
    });
    const imported = await runCli(["import-upstream"], { cwd: dir });
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /2 kyrage files written, 2 migrations recorded/);
    assert.match(imported.stdout, /wrote 20251009085319999\.json \(baseline/);
    assert.deepEqual(await history(target), ["20251009085319999", "20251009085320000"]);
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const status = await cli("status");
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.doesNotMatch(status.stdout, /drift/i);
    const check = await cli("check");
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const again = await cli("import-upstream");
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /0 kyrage files written, 0 migrations recorded/);
    const rows = await query<{ n: number }>(target, `select count(*)::int as n from customers`);
    assert.equal(rows[0].n, 1, "nothing was run");
  },
);

// README: "records those upstream applied (`public.kysely_migration`) as applied". Upstream drops every index its
// config does not list: one made by hand, then dropped by upstream's next file, stops the import (kyrage wants the
// index's definition from an earlier upstream file), though the database shows it was dropped and nothing remains
// to describe.
serverTest("an applied upstream file that dropped a hand-made index imports", async (_db, _dir, target) => {
  const dropped = upstreamFile("1760100000000", [{
    type: "drop_index",
    table: "users",
    name: "users_lower_email_idx",
  }]);
  await runSql(target, [
    ...KYSELY_TABLES,
    ...A1_SQL,
    `create index users_lower_email_idx on users (lower(email))`,
    `drop index "users_lower_email_idx"`,
    kyselyRow(dropped.id),
  ]);
  const dir = await appProject(target, [A1, dropped]);
  const imported = await runCli(["import-upstream"], { cwd: dir });
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  assert.deepEqual(await history(target), ["20251009085320000", "20251010124000000"]);
});

// README: "Run `kyrage import-upstream` once: it converts `migrations/<epoch-ms>.json` into kyrage files"; an error
// must say which file to look at. A drop of a key no file (and no database) has is refused without naming the
// file, nor even its migration id.
serverTest("import-upstream refusing a drop of an unknown foreign key names the file", async (_db, _dir, target) => {
  const bad = upstreamFile("1760100000000", [
    { type: "drop_foreign_key_constraint", table: "posts", name: "posts_reviewer_fk" },
  ]);
  await runSql(target, [...KYSELY_TABLES, ...A1_SQL]);
  const dir = await appProject(target, [A1, bad]);
  const imported = await runCli(["import-upstream"], { cwd: dir });
  assert.equal(imported.code, 1, imported.stdout);
  assert.match(imported.stderr, /posts_reviewer_fk/);
  assert.match(imported.stderr, /1760100000000\.json/, `the file is not named:\n${imported.stderr}`);
});

// README: "records those upstream applied (`public.kysely_migration`) as applied". kysely_migration lists a file
// that is gone from disk (deleted, or never pulled); the next file changes a table it created. The refusal blames
// the next file ("no earlier migration creates that table") and never says that upstream applied a file that is
// missing here, which is what the user has to restore.
serverTest(
  "an applied upstream file missing on disk: the refusal names the missing file",
  async (_db, _dir, target) => {
    await runSql(target, [...KYSELY_TABLES, ...A1_SQL, ...A2_SQL]);
    const dir = await appProject(target, [A2, A3]);
    const imported = await runCli(["import-upstream"], { cwd: dir });
    assert.equal(imported.code, 1, imported.stdout);
    assert.match(
      imported.stderr,
      /1760000000000/,
      `the missing file upstream applied is not named:\n${imported.stderr}`,
    );
    assert.deepEqual([...Deno.readDirSync(`${dir}/migrations`)].length, 2, "nothing written");
  },
);

// README: "Run `kyrage import-upstream` once [...] records those upstream applied [...] as applied". Upstream drops
// every table its config does not list: its first file on a database that had a table before it drops that table.
// The import accepts the file and records it, then the history never replays: `status` and `check` exit 1 for good
// ("DROP TABLE "public"."legacy_sessions"": table does not exist), while the same kind of file touching a table
// without dropping it is refused.
serverTest(
  "an applied upstream file dropping a table from before upstream: after import, status and check pass",
  async (_db, _dir, target) => {
    const file = upstreamFile("1760000000000", [
      { type: "create_table", table: "tokens", columns: { id: col("uuid", { primaryKey: true, notNull: true }) } },
      { type: "create_primary_key_constraint", table: "tokens", name: "tokens_id_primary_key", columns: ["id"] },
      { type: "drop_table", table: "legacy_sessions" },
    ]);
    await runSql(target, [
      `create table legacy_sessions (id integer primary key)`,
      ...KYSELY_TABLES,
      `drop table "legacy_sessions"`,
      `create table "tokens" ("id" uuid not null, constraint "tokens_id_primary_key" primary key ("id"))`,
      kyselyRow(file.id),
    ]);
    const dir = await tempProject({
      "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({
  naming: "kyrage-v1",
  database: ${databaseBlock(target)},
  tables: [t("tokens", { id: c("uuid", { primaryKey: true }) })],
});`,
      ...asFiles([file]),
    });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const status = await cli("status");
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const check = await cli("check");
    assert.equal(check.code, 0, check.stdout + check.stderr);
  },
);

// README: "Run `kyrage import-upstream` once" and "history lives in `public.kyrage_migrations`". After kyrage applied
// its own migration, importing again changes nothing; an upstream file from a branch merged late (older than
// kyrage's own) is converted, marked out of order, and applied. An empty migrations directory is an error that says
// there is nothing to import, recording nothing.
serverTest(
  "import-upstream after kyrage's own migrations, with a late upstream file, and on an empty directory",
  async (_db, _dir, target) => {
    const dir = await upstreamProject(target);
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    assert.equal((await cli("import-upstream")).code, 0);
    const withNick = appSchema(false).replace(`bio: c("text"),`, `bio: c("text"),\n  nick: c("text"),`);
    await Deno.writeTextFile(`${dir}/schema.ts`, withNick);
    assert.equal((await cli("generate")).code, 0);
    assert.equal((await cli("apply")).code, 0);
    const again = await cli("import-upstream");
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /0 kyrage files written, 0 migrations recorded/);
    assert.equal((await history(target)).length, 4);

    const late = upstreamFile("1760250000000", [
      { type: "add_column", table: "posts", column: "body", attributes: col("text") },
    ]);
    await Deno.writeTextFile(`${dir}/migrations/${late.id}.json`, JSON.stringify(late, null, 2));
    await Deno.writeTextFile(
      `${dir}/schema.ts`,
      withNick.replace(
        `title: c("text", { notNull: true }),`,
        `title: c("text", { notNull: true }),\n  body: c("text"),`,
      ),
    );
    assert.match((await cli("import-upstream")).stdout, /1 kyrage file written, 0 migrations recorded/);
    assert.match((await cli("status")).stdout, /pending +20251012062000000 +\(out of order/);
    assert.equal((await cli("apply")).code, 0);
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);

    const empty = await appProject(target);
    await Deno.mkdir(`${empty}/migrations`);
    const nothing = await runCli(["import-upstream"], { cwd: empty });
    assert.equal(nothing.code, 1, nothing.stdout);
    assert.match(nothing.stderr, /migrations holds no migration file of @izumisy\/kyrage/);
    assert.equal((await history(target)).length, 5);
  },
);

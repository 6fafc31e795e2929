/**
 * README "Coming from @izumisy/kyrage", claim by claim, as a user of @izumisy/kyrage 1.6.0 meets it: a project
 * whose database upstream migrated (Kysely's history tables and rows, data in the tables), its config and DSL as
 * upstream's README writes them, then `kyrage import-upstream`, `status`, `plan`, `generate`, `apply`. The upstream
 * files are written in upstream's format (`JSON.stringify(migration, null, 2)`, every column attribute spelled out),
 * and the SQL is what upstream's reconciler and Kysely ran for them. Each test quotes the claim it holds the code to.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { backendTest, createTestDatabase, serverTest, type TestDatabase } from "../support/backends.ts";
import { databaseBlock, runCli, spawnCli, tempProject } from "../support/cli.ts";
import { query, runStatements } from "../support/claims.ts";

// ---------------------------------------------------------------------------------------------------------------
// Upstream's files and what upstream ran for them.

type Attrs = { type: string; notNull?: boolean; primaryKey?: boolean; unique?: boolean; defaultSql?: string };
/** A column as upstream's generate writes it: every flag spelled out. */
const col = (type: string, o: Omit<Attrs, "type"> = {}) => ({
  type,
  primaryKey: o.primaryKey ?? false,
  notNull: o.notNull ?? false,
  unique: o.unique ?? false,
  ...(o.defaultSql ? { defaultSql: o.defaultSql } : {}),
});
const upstreamFile = (id: string, operations: unknown[]) => ({ version: "1", id, diff: { operations } });
const asFiles = (files: { id: string }[]) =>
  Object.fromEntries(files.map((f) => [`migrations/${f.id}.json`, JSON.stringify(f, null, 2)]));

/** Kysely's Migrator: its two tables, then each file's SQL and its row, in one transaction. */
const KYSELY_TABLES = [
  `create table "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null)`,
  `create table "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null)`,
  `insert into "kysely_migration_lock" ("id", "is_locked") values ('migration_lock', 0)`,
];
const kyselyRow = (id: string) =>
  `insert into "kysely_migration" ("name", "timestamp") values ('${id}', '${
    new Date(Number(id) + 60_000).toISOString()
  }')`;

/** Statements run as Kysely's Migrator runs a file's: in one transaction. */
const runSql = (target: TestDatabase, statements: string[]) => runStatements(target, statements, { transaction: true });

const history = (target: TestDatabase) =>
  query<{ id: string }>(target, `select id from kyrage_migrations order by id`).then((rows) => rows.map((r) => r.id));

// ---------------------------------------------------------------------------------------------------------------
// A realistic project: four tables with every kind of key upstream names by default, three files applied (every
// operation kind upstream writes), a fourth generated but not applied.

const A1 = upstreamFile("1760000000000", [
  {
    type: "create_table",
    table: "users",
    columns: {
      id: col("uuid", { primaryKey: true, notNull: true }),
      email: col("varchar(255)", { notNull: true, unique: true }),
      handle: col("text"),
      status: col("text", { notNull: true, defaultSql: "'active'" }),
      score: col("numeric(10, 2)", { defaultSql: "0" }),
      created_at: col("timestamptz", { notNull: true, defaultSql: "now()" }),
    },
  },
  {
    type: "create_table",
    table: "teams",
    columns: {
      id: col("uuid", { notNull: true, defaultSql: "gen_random_uuid()" }),
      name: col("text", { notNull: true }),
    },
  },
  {
    type: "create_table",
    table: "memberships",
    columns: {
      team_id: col("uuid", { notNull: true }),
      user_id: col("uuid", { notNull: true }),
      role: col("text"),
    },
  },
  {
    type: "create_table",
    table: "legacy_logs",
    columns: { id: col("integer", { primaryKey: true, notNull: true }), message: col("text") },
  },
  {
    type: "create_table",
    table: "posts",
    columns: {
      id: col("uuid", { primaryKey: true, notNull: true }),
      author_id: col("uuid", { notNull: true }),
      editor_id: col("uuid"),
      legacy: col("text"),
      title: col("text", { notNull: true }),
    },
  },
  { type: "create_index", table: "users", name: "idx_users_created_at", columns: ["created_at"], unique: false },
  {
    type: "create_index",
    table: "users",
    name: "idx_users_status_created_at",
    columns: ["status", "created_at"],
    unique: false,
  },
  { type: "create_primary_key_constraint", table: "users", name: "users_id_primary_key", columns: ["id"] },
  { type: "create_primary_key_constraint", table: "teams", name: "pk_teams_id", columns: ["id"] },
  {
    type: "create_primary_key_constraint",
    table: "memberships",
    name: "pk_memberships_team_id_user_id",
    columns: ["team_id", "user_id"],
  },
  { type: "create_primary_key_constraint", table: "legacy_logs", name: "legacy_logs_id_primary_key", columns: ["id"] },
  { type: "create_primary_key_constraint", table: "posts", name: "posts_id_primary_key", columns: ["id"] },
  { type: "create_unique_constraint", table: "users", name: "users_email_unique", columns: ["email"] },
  { type: "create_unique_constraint", table: "users", name: "uq_users_handle", columns: ["handle"] },
  {
    type: "create_foreign_key_constraint",
    table: "memberships",
    name: "fk_memberships_team_id",
    columns: ["team_id"],
    referencedTable: "teams",
    referencedColumns: ["id"],
    onDelete: "cascade",
    inline: true,
  },
  {
    type: "create_foreign_key_constraint",
    table: "memberships",
    name: "fk_memberships_user_id",
    columns: ["user_id"],
    referencedTable: "users",
    referencedColumns: ["id"],
    onDelete: "restrict",
    onUpdate: "cascade",
    inline: true,
  },
  {
    type: "create_foreign_key_constraint",
    table: "posts",
    name: "fk_posts_author_id",
    columns: ["author_id"],
    referencedTable: "users",
    referencedColumns: ["id"],
    onDelete: "cascade",
    inline: true,
  },
  {
    type: "create_foreign_key_constraint",
    table: "posts",
    name: "posts_editor_fk",
    columns: ["editor_id"],
    referencedTable: "users",
    referencedColumns: ["id"],
    onDelete: "set null",
    inline: true,
  },
]);
/** Upstream's reconciler: each created table with its keys inline, referenced tables first, then the indexes. */
const A1_SQL = [
  `create table "legacy_logs" ("id" integer not null, "message" text, constraint "legacy_logs_id_primary_key" primary key ("id"))`,
  `create table "teams" ("id" uuid default gen_random_uuid() not null, "name" text not null, constraint "pk_teams_id" primary key ("id"))`,
  `create table "users" ("id" uuid not null, "email" varchar(255) not null, "handle" text, "status" text default 'active' not null, "score" numeric(10, 2) default 0, "created_at" timestamptz default now() not null, constraint "users_id_primary_key" primary key ("id"), constraint "users_email_unique" unique ("email"), constraint "uq_users_handle" unique ("handle"))`,
  `create table "memberships" ("team_id" uuid not null, "user_id" uuid not null, "role" text, constraint "pk_memberships_team_id_user_id" primary key ("team_id", "user_id"), constraint "fk_memberships_team_id" foreign key ("team_id") references "teams" ("id") on delete cascade, constraint "fk_memberships_user_id" foreign key ("user_id") references "users" ("id") on delete restrict on update cascade)`,
  `create table "posts" ("id" uuid not null, "author_id" uuid not null, "editor_id" uuid, "legacy" text, "title" text not null, constraint "posts_id_primary_key" primary key ("id"), constraint "fk_posts_author_id" foreign key ("author_id") references "users" ("id") on delete cascade, constraint "posts_editor_fk" foreign key ("editor_id") references "users" ("id") on delete set null)`,
  `create index "idx_users_created_at" on "users" ("created_at")`,
  `create index "idx_users_status_created_at" on "users" ("status", "created_at")`,
  kyselyRow("1760000000000"),
];

/** Data the app wrote between the migrations. */
const DATA_SQL = [
  `insert into users (id, email, handle) values ('00000000-0000-0000-0000-000000000001', 'a@x.io', 'ann'), ('00000000-0000-0000-0000-000000000002', 'b@x.io', 'bob')`,
  `insert into teams (id, name) values ('00000000-0000-0000-0000-0000000000aa', 'core')`,
  `insert into memberships (team_id, user_id, role) values ('00000000-0000-0000-0000-0000000000aa', '00000000-0000-0000-0000-000000000001', 'owner')`,
  `insert into posts (id, author_id, editor_id, legacy, title) values ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002', 'x', 'Hello')`,
  `insert into legacy_logs values (1, 'boot')`,
];

const A2 = upstreamFile("1760100000000", [
  { type: "add_column", table: "users", column: "bio", attributes: col("text") },
  { type: "drop_column", table: "posts", column: "legacy", attributes: col("text") },
  {
    type: "alter_column",
    table: "users",
    column: "handle",
    before: col("text", { unique: true }),
    after: col("varchar(100)", { notNull: true }),
  },
  { type: "create_index", table: "users", name: "idx_users_handle", columns: ["handle"], unique: true },
  { type: "drop_index", table: "users", name: "idx_users_created_at" },
  { type: "drop_unique_constraint", table: "users", name: "uq_users_handle" },
]);
const A2_SQL = [
  `alter table "users" drop constraint "uq_users_handle"`,
  `drop index "idx_users_created_at"`,
  `alter table "posts" drop column "legacy"`,
  `alter table "users" add column "bio" text`,
  `alter table "users" alter column "handle" type varchar(100)`,
  `alter table "users" alter column "handle" set not null`,
  `create unique index "idx_users_handle" on "users" ("handle")`,
  kyselyRow("1760100000000"),
];

const A3 = upstreamFile("1760200000000", [
  { type: "drop_table", table: "legacy_logs" },
  { type: "add_column", table: "teams", column: "slug", attributes: col("text", { unique: true }) },
  {
    type: "alter_column",
    table: "users",
    column: "score",
    before: col("numeric", { defaultSql: "0" }),
    after: col("numeric(12, 2)", { defaultSql: "0" }),
  },
  { type: "create_unique_constraint", table: "teams", name: "teams_slug_unique", columns: ["slug"] },
  {
    type: "create_foreign_key_constraint",
    table: "posts",
    name: "fk_posts_editor_id",
    columns: ["editor_id"],
    referencedTable: "users",
    referencedColumns: ["id"],
    onDelete: "set null",
    onUpdate: "cascade",
    inline: true,
  },
  { type: "drop_foreign_key_constraint", table: "posts", name: "posts_editor_fk" },
]);
const A3_SQL = [
  `alter table "posts" drop constraint "posts_editor_fk"`,
  `drop table "legacy_logs"`,
  `alter table "teams" add column "slug" text`,
  `alter table "users" alter column "score" type numeric(12, 2)`,
  `alter table "teams" add constraint "teams_slug_unique" unique ("slug")`,
  `alter table "posts" add constraint "fk_posts_editor_id" foreign key ("editor_id") references "users" ("id") on delete set null on update cascade`,
  kyselyRow("1760200000000"),
];

/** Generated by upstream, never applied: a surrogate key replaces the composite one. */
const A4 = upstreamFile("1760300000000", [
  {
    type: "add_column",
    table: "memberships",
    column: "id",
    attributes: col("uuid", { primaryKey: true, notNull: true, defaultSql: "gen_random_uuid()" }),
  },
  {
    type: "create_unique_constraint",
    table: "memberships",
    name: "uq_memberships_team_id_user_id",
    columns: ["team_id", "user_id"],
  },
  { type: "create_primary_key_constraint", table: "memberships", name: "memberships_id_primary_key", columns: ["id"] },
  { type: "drop_primary_key_constraint", table: "memberships", name: "pk_memberships_team_id_user_id" },
]);

/** The schema after A3 (or A4), as the upstream user wrote it; only the import specifier changed. */
function appSchema(afterA4: boolean): string {
  return `import { column as c, defineTable as t } from "kyrage";

export const users = t("users", {
  id: c("uuid", { primaryKey: true }),
  email: c("varchar(255)", { notNull: true, unique: true }),
  handle: c("varchar(100)", { notNull: true }),
  status: c("text", { notNull: true, defaultSql: "'active'" }),
  score: c("numeric(12, 2)", { defaultSql: "0" }),
  created_at: c("timestamptz", { notNull: true, defaultSql: "now()" }),
  bio: c("text"),
}, (t) => [
  t.index(["status", "created_at"]),
  t.index(["handle"], { unique: true }),
]);

export const teams = t("teams", {
  id: c("uuid", { defaultSql: "gen_random_uuid()" }),
  name: c("text", { notNull: true }),
  slug: c("text", { unique: true }),
}, (t) => [t.primaryKey(["id"])]);

export const memberships = t("memberships", {
  ${afterA4 ? `id: c("uuid", { primaryKey: true, defaultSql: "gen_random_uuid()" }),` : ""}
  team_id: c("uuid"${afterA4 ? `, { notNull: true }` : ""}),
  user_id: c("uuid"${afterA4 ? `, { notNull: true }` : ""}),
  role: c("text"),
}, (t) => [
  ${afterA4 ? `t.unique(["team_id", "user_id"]),` : `t.primaryKey(["team_id", "user_id"]),`}
  t.reference("team_id", teams, "id", { onDelete: "cascade" }),
  t.reference(["user_id"], users, ["id"], { onDelete: "restrict", onUpdate: "cascade" }),
]);

export const posts = t("posts", {
  id: c("uuid", { primaryKey: true }),
  author_id: c("uuid", { notNull: true }),
  editor_id: c("uuid"),
  title: c("text", { notNull: true }),
}, (t) => [
  t.reference("author_id", users, "id", { onDelete: "cascade" }),
  t.reference("editor_id", users, "id", { onDelete: "set null", onUpdate: "cascade", inline: true }),
]);
`;
}

const appConfig = (target: TestDatabase, extra = "") =>
  `import { defineConfig } from "kyrage";
import { memberships, posts, teams, users } from "./schema";

export default defineConfig({
  naming: "kyrage-v1",
  database: ${databaseBlock(target)},${extra}
  tables: [users, teams, memberships, posts],
});
`;

async function upstreamProject(target: TestDatabase, extraConfig = ""): Promise<string> {
  await runSql(target, [...KYSELY_TABLES, ...A1_SQL.slice(0, -1), ...DATA_SQL, A1_SQL.at(-1)!]);
  await runSql(target, A2_SQL);
  await runSql(target, A3_SQL);
  return await tempProject({
    "kyrage.config.ts": appConfig(target, extraConfig),
    "schema.ts": appSchema(false),
    ...asFiles([A1, A2, A3]),
  });
}

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
    assert.deepEqual(await history(target), ["20251009085320000", "20251010124000000", "20251011162640000"]);

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
  const dir = await tempProject({
    "kyrage.config.ts": appConfig(target),
    "schema.ts": appSchema(false),
    ...asFiles([A1, dropped]),
  });
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
  const dir = await tempProject({
    "kyrage.config.ts": appConfig(target),
    "schema.ts": appSchema(false),
    ...asFiles([A1, bad]),
  });
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
    const dir = await tempProject({
      "kyrage.config.ts": appConfig(target),
      "schema.ts": appSchema(false),
      ...asFiles([A2, A3]),
    });
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

// README: "Run `kyrage import-upstream` once [...] and records those upstream applied (`public.kysely_migration`) as
// applied [...]. Afterwards you may delete upstream's files". A project has more than one database upstream migrated
// (production besides the developer's): once the files are deleted as the README allows, production can no longer
// be taken over: `import-upstream` finds nothing to import, `status` lists the three as pending and `apply` re-runs
// the first one ("relation already exists").
serverTest(
  "after deleting upstream's files as the README allows, a second upstream-built database can still be taken over",
  async (_db, _dir, target) => {
    const dir = await upstreamProject(target);
    assert.equal((await runCli(["import-upstream"], { cwd: dir })).code, 0);
    for (const file of [A1, A2, A3]) await Deno.remove(`${dir}/migrations/${file.id}.json`);
    const production = await createTestDatabase("postgres");
    try {
      await runSql(production, [...KYSELY_TABLES, ...A1_SQL, ...A2_SQL, ...A3_SQL]);
      const env = { DATABASE_URL: production.databaseUrl! };
      const imported = await runCli(["import-upstream"], { cwd: dir, env });
      assert.equal(imported.code, 0, imported.stdout + imported.stderr);
      assert.deepEqual(await history(production), ["20251009085320000", "20251010124000000", "20251011162640000"]);
      const applied = await runCli(["apply"], { cwd: dir, env });
      assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    } finally {
      await production.dispose();
    }
  },
);

// README: "records those upstream applied (`public.kysely_migration`) as applied, with checksums". kysely_migration
// lists 1760100000000, an upstream file (its id is upstream's epoch-ms) that is missing here; nothing after it
// depends on it. The import records the two others, warns that the row may be "a hand-written Kysely migration?",
// and exits 0: the history now lacks that file's changes, so `check` (and every `--dev`) fails for good.
serverTest(
  "an applied upstream file missing on disk: history is recorded whole or not at all",
  async (_db, _dir, target) => {
    await runSql(target, [...KYSELY_TABLES, ...A1_SQL, ...A2_SQL, ...A3_SQL]);
    const dir = await tempProject({
      "kyrage.config.ts": appConfig(target),
      "schema.ts": appSchema(false),
      ...asFiles([A1, A3]),
    });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const imported = await cli("import-upstream");
    if (imported.code !== 0) {
      assert.match(imported.stderr, /1760100000000/);
      const tables = await query<{ found: boolean }>(
        target,
        `select to_regclass('public.kyrage_migrations') is not null as found`,
      );
      if (tables[0].found) assert.deepEqual(await history(target), []);
      return;
    }
    const check = await cli("check");
    assert.equal(
      check.code,
      0,
      `import-upstream exited 0 with a partial history:\n${imported.stderr}\n${check.stdout}${check.stderr}`,
    );
  },
);

// README: "Run `kyrage import-upstream` once [...] records those upstream applied (`public.kysely_migration`) as
// applied" and "Afterwards you may delete upstream's files". On a database upstream migrated (kysely_migration lists
// its files) that kyrage has no history for, `status` (exit 0) lists the imported files as pending and every table
// as drift to drop, and never mentions kysely_migration or import-upstream; `apply` then re-runs the first file
// ("relation already exists"). (With no kyrage files at all it suggests `pull --baseline`: see the baseline test.)
serverTest(
  "status on an upstream-migrated database without kyrage history points to import-upstream",
  async (_db, _dir, target) => {
    const dir = await upstreamProject(target);
    assert.equal((await runCli(["import-upstream"], { cwd: dir })).code, 0);
    for (const file of [A1, A2, A3]) await Deno.remove(`${dir}/migrations/${file.id}.json`);
    const production = await createTestDatabase("postgres");
    try {
      await runSql(production, [...KYSELY_TABLES, ...A1_SQL, ...A2_SQL, ...A3_SQL]);
      const status = await runCli(["status"], { cwd: dir, env: { DATABASE_URL: production.databaseUrl! } });
      assert.match(status.stdout + status.stderr, /import-upstream|kysely_migration/, status.stdout);
      assert.doesNotMatch(status.stdout, /pull --baseline/);
      const applied = await runCli(["apply"], { cwd: dir, env: { DATABASE_URL: production.databaseUrl! } });
      assert.equal(applied.code, 1, applied.stdout);
      assert.match(applied.stderr, /kysely_migration[\s\S]*import-upstream/);
      const tables = await query<{ found: boolean }>(
        production,
        `select to_regclass('public.kyrage_migrations') is not null as found`,
      );
      if (tables[0].found) assert.deepEqual(await history(production), [], "apply ran nothing");
    } finally {
      await production.dispose();
    }
  },
);

// README: "records those upstream applied (`public.kysely_migration`) as applied". Upstream's `apply` (Kysely's
// Migrator, which holds its advisory lock 3853314791062309107 while it migrates) is running its next file while
// `import-upstream` runs: kyrage records the files committed so far and reports success; the file committed a moment
// later is applied but not in kyrage's history, so kyrage's `apply` runs it again.
serverTest(
  "import-upstream while upstream's apply holds its migration lock records every file it applied",
  async (_db, _dir, target) => {
    await runSql(target, [...KYSELY_TABLES, ...A1_SQL, ...A2_SQL]);
    const dir = await tempProject({
      "kyrage.config.ts": appConfig(target),
      "schema.ts": appSchema(false),
      ...asFiles([A1, A2, A3]),
    });
    const client = postgres(target.databaseUrl!, { max: 1, onnotice: () => {} });
    try {
      const upstream = await client.reserve();
      await upstream.unsafe("begin");
      await upstream.unsafe("select pg_advisory_xact_lock(3853314791062309107)");
      for (const statement of A3_SQL) await upstream.unsafe(statement);
      const importing = spawnCli(["import-upstream"], { cwd: dir }).output();
      // Upstream's transaction stays open until the import ends, or 20 s pass (the import waits for the lock).
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([importing, new Promise((resolve) => timer = setTimeout(resolve, 20_000))]);
      clearTimeout(timer);
      await upstream.unsafe("commit");
      upstream.release();
      const imported = await importing;
      if (imported.code === 0) {
        assert.deepEqual(
          await history(target),
          ["20251009085320000", "20251010124000000", "20251011162640000"],
          "import-upstream succeeded but left out the file upstream was applying",
        );
      }
    } finally {
      await client.end();
    }
  },
);

// README: "Run `kyrage import-upstream` once: it converts `migrations/<epoch-ms>.json` into kyrage files [...] and
// records those upstream applied". An upstream file left with git's conflict markers (a merge of two branches that
// both generated) is not JSON: import-upstream skips it without a word, reports success, records the other two, and
// calls the applied file's kysely_migration row "a hand-written Kysely migration?". `status` refuses the same file
// at once, naming it.
serverTest(
  "an upstream file that is not JSON stops import-upstream, named, before anything is recorded",
  async (_db, _dir, target) => {
    await runSql(target, [...KYSELY_TABLES, ...A1_SQL, ...A2_SQL, ...A3_SQL]);
    const conflicted = JSON.stringify(A3, null, 2).replace(
      `"type": "drop_table",`,
      `<<<<<<< HEAD\n      "type": "drop_table",\n=======\n      "type": "drop_table",\n>>>>>>> feature`,
    );
    const dir = await tempProject({
      "kyrage.config.ts": appConfig(target),
      "schema.ts": appSchema(false),
      ...asFiles([A1, A2]),
      [`migrations/${A3.id}.json`]: conflicted,
    });
    const imported = await runCli(["import-upstream"], { cwd: dir });
    assert.equal(imported.code, 1, `import-upstream succeeded without ${A3.id}.json:\n${imported.stdout}`);
    assert.match(imported.stderr, /1760200000000\.json/);
    const tables = await query<{ found: boolean }>(
      target,
      `select to_regclass('public.kyrage_migrations') is not null as found`,
    );
    if (tables[0].found) assert.deepEqual(await history(target), [], "history is all or nothing");
  },
);

// README: "Run `kyrage import-upstream` once: it [...] records those upstream applied (`public.kysely_migration`) as
// applied" and ("Adopting an existing database") "A baseline starts a history: with migration files already in
// `migrations/`, or applied migrations on D, it is refused". On an upstream-built database whose upstream files are
// not at hand, `status` suggests `pull --baseline`; once the files are back, import-upstream records upstream's three
// files as applied *before* the baseline: a second start, and the history no longer replays (`check` and `status`
// fail: "relation "memberships" already exists").
serverTest(
  "import-upstream on a database kyrage already baselined is refused; the history still replays",
  async (_db, _dir, target) => {
    await runSql(target, [...KYSELY_TABLES, ...A1_SQL, ...A2_SQL, ...A3_SQL]);
    const dir = await tempProject({ "kyrage.config.ts": appConfig(target), "schema.ts": appSchema(false) });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const status = await cli("status");
    assert.match(status.stdout, /kyrage pull --baseline/);
    const baseline = await cli("pull", "--baseline", "--out", "pulled.ts");
    assert.equal(baseline.code, 0, baseline.stdout + baseline.stderr);
    const [baselineId] = await history(target);
    for (const [name, text] of Object.entries(asFiles([A1, A2, A3]))) await Deno.writeTextFile(`${dir}/${name}`, text);
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 1, `import-upstream recorded a second start of the history:\n${imported.stdout}`);
    assert.deepEqual(await history(target), [baselineId]);
    const check = await cli("check");
    assert.equal(check.code, 0, check.stdout + check.stderr);
  },
);

// ---------------------------------------------------------------------------------------------------------------
// The config.

const SCHEMA = `import { column as c, defineTable as t } from "kyrage";
export const members = t("members", { id: c("uuid", { primaryKey: true }) });
`;

// README: "There is no Docker: `dev.container` is refused with an explanation" and "`$development` / `$production`
// sections [...] every section is checked, selected or not". Upstream's own README puts `dev: { container }` in
// `$development`; with NODE_ENV=production (or none) kyrage takes the config as it is, and refuses it only on the
// machine where `$development` is selected.
Deno.test("dev.container in a section that is not selected is refused with the explanation", async () => {
  const dir = await tempProject({
    "schema.ts": SCHEMA,
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  database: { dialect: "pglite", dataDir: "db" },
  $development: { dev: { container: { image: "postgres:17" } } },
  tables: [members],
});`,
  });
  const selected = await runCli(["plan"], { cwd: dir, env: { NODE_ENV: "development" } });
  assert.equal(selected.code, 1, selected.stdout);
  assert.match(selected.stderr, /dev\.container .* kyrage needs no Docker/);
  const unselected = await runCli(["plan"], { cwd: dir, env: { NODE_ENV: "production" } });
  assert.equal(unselected.code, 1, `$development's dev.container was accepted:\n${unselected.stdout}`);
  assert.match(unselected.stderr, /dev\.container .* kyrage needs no Docker/);
});

// README: "Differences that remain: PostgreSQL only (no `cockroachdb` or `sqlite` dialect)" and "every section is
// checked, selected or not". Upstream's README puts `dialect: "cockroachdb"` in `$production`. kyrage explains the
// refusal only when the dialect is the base config's: in a section, selected or not, the error is a bare zod
// message ("database.dialect: Invalid discriminator value. Expected 'postgres' | 'pglite'").
Deno.test("a cockroachdb dialect in an environment section is refused with the explanation, selected or not", async () => {
  const dir = await tempProject({
    "schema.ts": SCHEMA,
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  database: { dialect: "pglite", dataDir: "db" },
  $production: { database: { dialect: "cockroachdb", connectionString: "postgres://root@prod-db:26257/app" } },
  tables: [members],
});`,
  });
  const selected = await runCli(["plan"], { cwd: dir, env: { NODE_ENV: "production" } });
  assert.equal(selected.code, 1, selected.stdout);
  assert.match(selected.stderr, /"cockroachdb" is not supported; kyrage manages PostgreSQL only/);
  const unselected = await runCli(["plan"], { cwd: dir });
  assert.equal(unselected.code, 1, unselected.stdout);
  assert.match(unselected.stderr, /"cockroachdb" is not supported; kyrage manages PostgreSQL only/);
});

// README: "Extensionless imports (`./schema`) [...] `$development` / `$production` sections (chosen by `KYRAGE_ENV`,
// else `NODE_ENV`; objects merge [...] the section wins; `$env: { ... }` works too". A section giving only the
// connection string keeps the base's dialect; `./schema` may be a directory (`schema/index.ts`), as Node resolves it.
serverTest(
  "a section's database merges key by key over the base; ./schema resolves to schema/index.ts",
  async (_db, _dir, target) => {
    const url = JSON.stringify(target.databaseUrl);
    const dir = await tempProject({
      "schema/index.ts": SCHEMA,
      "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  database: { dialect: "postgres", connectionString: "postgres://nobody@127.0.0.1:1/none" },
  $production: { database: { connectionString: ${url} } },
  $env: { staging: { database: { connectionString: ${url} } } },
  tables: [members],
});`,
    });
    const envs: Record<string, string>[] = [{ NODE_ENV: "production" }, { NODE_ENV: "staging" }, {
      KYRAGE_ENV: "staging",
    }];
    for (const env of envs) {
      const plan = await runCli(["plan"], { cwd: dir, env });
      assert.equal(plan.code, 0, `${JSON.stringify(env)}: ${plan.stdout}${plan.stderr}`);
      assert.match(plan.stdout, /CREATE TABLE "public"\."members"/);
    }
  },
);

// README: "Run `kyrage import-upstream` once" and "a plan right after import" on what upstream produced. Every
// PostgreSQL type Kysely (and so upstream's `column(type)`) accepts, spelled as upstream's config spells it.
const KYSELY_TYPES = [
  "bigint",
  "boolean",
  "bytea",
  "char",
  "char(3)",
  "date",
  "datemultirange",
  "daterange",
  "decimal",
  "decimal(10, 2)",
  "double precision",
  "float4",
  "float8",
  "int2",
  "int4",
  "int4multirange",
  "int4range",
  "int8",
  "int8multirange",
  "int8range",
  "integer",
  "json",
  "jsonb",
  "numeric",
  "numeric(8, 3)",
  "nummultirange",
  "numrange",
  "real",
  "smallint",
  "text",
  "time",
  "time(3)",
  "timestamp",
  "timestamp(3)",
  "timestamptz",
  "timestamptz(6)",
  "timetz",
  "timetz(2)",
  "tsmultirange",
  "tsrange",
  "tstzmultirange",
  "tstzrange",
  "uuid",
  "varchar",
  "varchar(40)",
];
const columnName = (type: string) => `c_${type.replace(/[^a-z0-9]+/g, "_").replace(/_$/, "")}`;

serverTest(
  "every type upstream's column() accepts: import, then plan and check are empty",
  async (_db, _dir, target) => {
    const file = upstreamFile("1760000000000", [
      {
        type: "create_table",
        table: "kinds",
        columns: {
          id: col("integer", { primaryKey: true, notNull: true }),
          ...Object.fromEntries(KYSELY_TYPES.map((type) => [columnName(type), col(type)])),
        },
      },
      { type: "create_primary_key_constraint", table: "kinds", name: "kinds_id_primary_key", columns: ["id"] },
    ]);
    await runSql(target, [
      ...KYSELY_TABLES,
      `create table "kinds" ("id" integer not null, ${
        KYSELY_TYPES.map((type) => `"${columnName(type)}" ${type}`).join(", ")
      }, constraint "kinds_id_primary_key" primary key ("id"))`,
      kyselyRow(file.id),
    ]);
    const dir = await tempProject({
      "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ naming: "kyrage-v1", database: ${databaseBlock(target)}, tables: [
  t("kinds", { id: c("integer", { primaryKey: true }), ${
        KYSELY_TYPES.map((type) => `${columnName(type)}: c(${JSON.stringify(type)})`).join(", ")
      } }),
] });`,
      ...asFiles([file]),
    });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const check = await cli("check");
    assert.equal(check.code, 0, check.stdout + check.stderr);
  },
);

// README: "Change `from "@izumisy/kyrage"` to `from "kyrage"`." A schema file the user missed is reported with Deno's
// hint to install upstream's package (`deno add npm:@izumisy/kyrage`), the opposite of what to do.
Deno.test('a leftover import of @izumisy/kyrage says to import from "kyrage", naming the file', async () => {
  const dir = await tempProject({
    "schema.ts": SCHEMA.replace(`from "kyrage"`, `from "@izumisy/kyrage"`),
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({ database: { dialect: "pglite", dataDir: "db" }, tables: [members] });`,
  });
  const plan = await runCli(["plan"], { cwd: dir });
  assert.equal(plan.code, 1, plan.stdout);
  assert.match(plan.stderr, /schema\.ts/);
  assert.doesNotMatch(plan.stderr, /deno add (jsr|npm):@izumisy\/kyrage/);
  assert.match(plan.stderr, /from "kyrage"/);
});

// README: "Run `kyrage import-upstream` once [...] records those upstream applied [...]. Nothing is run." and
// "every installed extension (upstream cannot create one; `uuid-ossp` for `uuid_generate_v4()`)". Its users install
// one by hand; with the extension in the config, `plan` is empty, and the imported history must create it before
// upstream's first file, or every replay fails for good: `status`, `check` (and every `--dev`) exit 1 with "function
// uuid_generate_v4() does not exist".
backendTest(
  "an upstream table whose default needs a hand-installed extension: after import, status and check pass",
  async (target) => {
    const file = upstreamFile("1760000000000", [
      {
        type: "create_table",
        table: "tokens",
        columns: {
          id: col("uuid", { primaryKey: true, notNull: true, defaultSql: "uuid_generate_v4()" }),
          value: col("text"),
        },
      },
      { type: "create_primary_key_constraint", table: "tokens", name: "tokens_id_primary_key", columns: ["id"] },
    ]);
    await runSql(target, [
      `create extension if not exists "uuid-ossp"`,
      ...KYSELY_TABLES,
      `create table "tokens" ("id" uuid default uuid_generate_v4() not null, "value" text, constraint "tokens_id_primary_key" primary key ("id"))`,
      kyselyRow(file.id),
    ]);
    const dir = await tempProject({
      "kyrage.config.ts": `import { column as c, defineConfig, defineExtension, defineTable as t } from "kyrage";
export default defineConfig({
  naming: "kyrage-v1",
  database: ${databaseBlock(target)},
  extensions: [defineExtension("uuid-ossp")],
  tables: [t("tokens", { id: c("uuid", { primaryKey: true, defaultSql: "uuid_generate_v4()" }), value: c("text") })],
});`,
      ...asFiles([file]),
    });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    assert.equal((await cli("import-upstream")).code, 0);
    assert.deepEqual(await history(target), ["20251009085319999", "20251009085320000"], "the baseline holds it");
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const status = await cli("status");
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const check = await cli("check");
    assert.equal(check.code, 0, check.stdout + check.stderr);
  },
);

// README: "`$development` / `$production` sections [...] work as they are". Upstream's README writes its sections'
// connection strings as `psql://user:pass@host/db`, which upstream (node-postgres) connects with; kyrage refuses them,
// saying the URL is not PostgreSQL: "is a psql:// URL, but kyrage works with PostgreSQL only".
serverTest("a $development section with upstream's psql:// connection string connects", async (_db, _dir, target) => {
  const url = target.databaseUrl!.replace(/^postgres(ql)?:/, "psql:");
  const dir = await tempProject({
    "schema.ts": SCHEMA,
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  $development: { database: { dialect: "postgres", connectionString: ${JSON.stringify(url)} } },
  tables: [members],
});`,
  });
  const plan = await runCli(["plan"], { cwd: dir, env: { NODE_ENV: "development" } });
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /CREATE TABLE "public"\."members"/);
});

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

    const empty = await tempProject({ "kyrage.config.ts": appConfig(target), "schema.ts": appSchema(false) });
    await Deno.mkdir(`${empty}/migrations`);
    const nothing = await runCli(["import-upstream"], { cwd: empty });
    assert.equal(nothing.code, 1, nothing.stdout);
    assert.match(nothing.stderr, /migrations holds no migration file of @izumisy\/kyrage/);
    assert.equal((await history(target)).length, 5);
  },
);

// README: "a plan right after import" on what upstream produced, and "defaults are compared". Defaults as upstream's
// users write `defaultSql`, which PostgreSQL stores in its own spelling (`'-1'::integer`, `CURRENT_TIMESTAMP`, ...).
const DEFAULTS: [string, string][] = [
  ["integer", "-1"],
  ["integer", "0"],
  ["bigint", "-9000000000"],
  ["numeric(10, 2)", "-1.50"],
  ["real", "1.5"],
  ["double precision", "-0.25"],
  ["boolean", "true"],
  ["text", "''"],
  ["text", "'it''s'"],
  ["varchar(20)", "'draft'"],
  ["char(2)", "'JP'"],
  ["date", "CURRENT_DATE"],
  ["date", "'2020-01-01'"],
  ["timestamptz", "CURRENT_TIMESTAMP"],
  ["timestamptz", "now() + interval '1 day'"],
  ["timestamp", "LOCALTIMESTAMP"],
  ["jsonb", "'{}'"],
  ["jsonb", "'[]'::jsonb"],
  ["json", "'{\"a\": 1}'"],
  ["uuid", "gen_random_uuid()"],
  ["text", "lower('ABC')"],
  ["int4range", "'[1,10)'"],
];

serverTest("defaults as upstream's users write them: import, then plan is empty", async (_db, _dir, target) => {
  const columns = DEFAULTS.map(([type, value], i) => ({ name: `d${i}`, type, value }));
  const file = upstreamFile("1760000000000", [
    {
      type: "create_table",
      table: "settings",
      columns: {
        id: col("integer", { primaryKey: true, notNull: true }),
        ...Object.fromEntries(columns.map((c) => [c.name, col(c.type, { defaultSql: c.value })])),
      },
    },
    { type: "create_primary_key_constraint", table: "settings", name: "settings_id_primary_key", columns: ["id"] },
  ]);
  await runSql(target, [
    ...KYSELY_TABLES,
    `create table "settings" ("id" integer not null, ${
      columns.map((c) => `"${c.name}" ${c.type} default ${c.value}`).join(", ")
    }, constraint "settings_id_primary_key" primary key ("id"))`,
    kyselyRow(file.id),
  ]);
  const dir = await tempProject({
    "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ naming: "kyrage-v1", database: ${databaseBlock(target)}, tables: [
  t("settings", { id: c("integer", { primaryKey: true }), ${
      columns.map((c) => `${c.name}: c(${JSON.stringify(c.type)}, { defaultSql: ${JSON.stringify(c.value)} })`).join(
        ", ",
      )
    } }),
] });`,
    ...asFiles([file]),
  });
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const imported = await cli("import-upstream");
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  const plan = await cli("plan", "--exit-code");
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  const status = await cli("status");
  assert.match(status.stdout, /Schema: matches what the applied migrations produce/, status.stdout + status.stderr);
});

// README: "defaults are compared, so default changes upstream never emitted now show". A default PostgreSQL stores
// with a cast of its own (`'JP'::bpchar` for a char(2), `'-0.25'::numeric` for a double precision, `'-1'::integer`
// for a smallint, `'-1.5'::numeric` for a real, `'12:00:00'::time without time zone`) is taken for a change every time: even kyrage's own generated and applied migration plans `SET DEFAULT` again, for ever.
serverTest(
  "char(n), time and negative smallint/real/double precision defaults: generate, apply, then plan is empty",
  async (_db, _dir, target) => {
    const dir = await tempProject({
      "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ database: ${databaseBlock(target)}, tables: [
  t("s", {
    id: c("integer", { primaryKey: true }),
    country: c("char(2)", { defaultSql: "'JP'" }),
    offset: c("double precision", { defaultSql: "-0.25" }),
    delta: c("smallint", { defaultSql: "-1" }),
    ratio: c("real", { defaultSql: "-1.5" }),
    opens: c("time", { defaultSql: "'12:00'" }),
  }),
] });`,
    });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    assert.equal((await cli("generate")).code, 0);
    assert.equal((await cli("apply")).code, 0);
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  },
);

// README: "`$development` / `$production` sections (chosen by `KYRAGE_ENV`, else `NODE_ENV`; [...] the section wins
// [...]) [...] work as they are". Upstream never reads DATABASE_URL: its `$production.database` is the database.
// kyrage keeps its documented precedence (DATABASE_URL wins, Config reference), says so among the "Differences that
// remain", and says on stderr which database it uses instead of the section's, without the password.
serverTest("a $production database is not silently replaced by the app's DATABASE_URL", async (_db, _dir, target) => {
  const app = await createTestDatabase("postgres");
  try {
    const dir = await tempProject({
      "schema.ts": SCHEMA,
      "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({
  $production: { database: { dialect: "postgres", connectionString: ${JSON.stringify(target.databaseUrl)} } },
  tables: [members],
});`,
    });
    const withPassword = (url: string) => {
      const u = new URL(url);
      u.password = "s3cret-app";
      return u.toString();
    };
    const plan = await runCli(["plan"], {
      cwd: dir,
      env: { NODE_ENV: "production", DATABASE_URL: withPassword(app.databaseUrl!) },
    });
    const appDb = new URL(app.databaseUrl!).pathname.slice(1);
    const sectionDb = new URL(target.databaseUrl!).pathname.slice(1);
    const notice = plan.stderr.split("\n").filter((line) => /DATABASE_URL/.test(line));
    assert.equal(notice.length, 1, `no word that DATABASE_URL replaced $production's database:\n${plan.stderr}`);
    assert.match(notice[0], new RegExp(`/${appDb}\\b[\\s\\S]*\\$production[\\s\\S]*/${sectionDb}\\b`));
    assert.doesNotMatch(plan.stdout + plan.stderr, /s3cret-app/);
    const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
    const remaining = /Differences that remain:[\s\S]*?\n\n/.exec(readme)?.[0] ?? "";
    assert.match(remaining, /DATABASE_URL/, "the README's differences from upstream do not mention DATABASE_URL");
  } finally {
    await app.dispose();
  }
});

/**
 * A project @izumisy/kyrage 1.6.0 built, for the README "Coming from @izumisy/kyrage" tests
 * (`tests/cli/readme_claims_upstream_*_test.ts`): upstream's migration files in its format (every column attribute
 * spelled out), the SQL upstream's reconciler and Kysely's Migrator ran for them (history tables and rows, data in
 * the tables), and the config and schema as the upstream user wrote them.
 */
import assert from "node:assert/strict";
import type { TestDatabase } from "./backends.ts";
import { databaseBlock, tempProject } from "./cli.ts";
import { query, runStatements } from "./claims.ts";

// ---------------------------------------------------------------------------------------------------------------
// Upstream's files and what upstream ran for them.

type Attrs = { type: string; notNull?: boolean; primaryKey?: boolean; unique?: boolean; defaultSql?: string };
/** A column as upstream's generate writes it: every flag spelled out. */
export const col = (type: string, o: Omit<Attrs, "type"> = {}) => ({
  type,
  primaryKey: o.primaryKey ?? false,
  notNull: o.notNull ?? false,
  unique: o.unique ?? false,
  ...(o.defaultSql ? { defaultSql: o.defaultSql } : {}),
});
export const upstreamFile = (id: string, operations: unknown[]) => ({ version: "1", id, diff: { operations } });
export const asFiles = (files: { id: string }[]) =>
  Object.fromEntries(files.map((f) => [`migrations/${f.id}.json`, JSON.stringify(f, null, 2)]));

/** Kysely's Migrator: its two tables, then each file's SQL and its row, in one transaction. */
export const KYSELY_TABLES = [
  `create table "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null)`,
  `create table "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null)`,
  `insert into "kysely_migration_lock" ("id", "is_locked") values ('migration_lock', 0)`,
];
export const kyselyRow = (id: string) =>
  `insert into "kysely_migration" ("name", "timestamp") values ('${id}', '${
    new Date(Number(id) + 60_000).toISOString()
  }')`;

/** Statements run as Kysely's Migrator runs a file's: in one transaction. */
export const runSql = (target: TestDatabase, statements: string[]) =>
  runStatements(target, statements, { transaction: true });

export const history = (target: TestDatabase) =>
  query<{ id: string }>(target, `select id from kyrage_migrations order by id`).then((rows) => rows.map((r) => r.id));

// ---------------------------------------------------------------------------------------------------------------
// A realistic project: four tables with every kind of key upstream names by default, three files applied (every
// operation kind upstream writes), a fourth generated but not applied.

export const A1 = upstreamFile("1760000000000", [
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
export const A1_SQL = [
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

export const A2 = upstreamFile("1760100000000", [
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
export const A2_SQL = [
  `alter table "users" drop constraint "uq_users_handle"`,
  `drop index "idx_users_created_at"`,
  `alter table "posts" drop column "legacy"`,
  `alter table "users" add column "bio" text`,
  `alter table "users" alter column "handle" type varchar(100)`,
  `alter table "users" alter column "handle" set not null`,
  `create unique index "idx_users_handle" on "users" ("handle")`,
  kyselyRow("1760100000000"),
];

export const A3 = upstreamFile("1760200000000", [
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
export const A3_SQL = [
  `alter table "posts" drop constraint "posts_editor_fk"`,
  `drop table "legacy_logs"`,
  `alter table "teams" add column "slug" text`,
  `alter table "users" alter column "score" type numeric(12, 2)`,
  `alter table "teams" add constraint "teams_slug_unique" unique ("slug")`,
  `alter table "posts" add constraint "fk_posts_editor_id" foreign key ("editor_id") references "users" ("id") on delete set null on update cascade`,
  kyselyRow("1760200000000"),
];

/** Generated by upstream, never applied: a surrogate key replaces the composite one. */
export const A4 = upstreamFile("1760300000000", [
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
export function appSchema(afterA4: boolean): string {
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

export const appConfig = (target: TestDatabase, extra = "") =>
  `import { defineConfig } from "kyrage";
import { memberships, posts, teams, users } from "./schema";

export default defineConfig({
  naming: "kyrage-v1",
  database: ${databaseBlock(target)},${extra}
  tables: [users, teams, memberships, posts],
});
`;

export async function upstreamProject(target: TestDatabase, extraConfig = ""): Promise<string> {
  await runSql(target, [...KYSELY_TABLES, ...A1_SQL.slice(0, -1), ...DATA_SQL, A1_SQL.at(-1)!]);
  await runSql(target, A2_SQL);
  await runSql(target, A3_SQL);
  return await appProject(target, [A1, A2, A3], extraConfig);
}

/** The upstream user's project after A3 (config and schema), with upstream's `files` in `migrations/`. */
export const appProject = (target: TestDatabase, files: { id: string }[] = [], extraConfig = "") =>
  tempProject({ "kyrage.config.ts": appConfig(target, extraConfig), "schema.ts": appSchema(false), ...asFiles(files) });

/** A1, A2 and A3 as upstream applied them, without the app's data: Kysely's tables, then each file's SQL and row. */
export const applyA1ToA3 = (target: TestDatabase) =>
  runSql(target, [...KYSELY_TABLES, ...A1_SQL, ...A2_SQL, ...A3_SQL]);

/** The ids A1, A2 and A3 take in kyrage's history once imported. */
export const A1_TO_A3_IDS = ["20251009085320000", "20251010124000000", "20251011162640000"];

/** The schema file of the config tests: one table, imported as upstream's README writes it. */
export const SCHEMA = `import { column as c, defineTable as t } from "kyrage";
export const members = t("members", { id: c("uuid", { primaryKey: true }) });
`;

/** kyrage's history on `target` is empty, or its table was never created. */
export async function assertNothingRecorded(target: TestDatabase, message?: string): Promise<void> {
  const tables = await query<{ found: boolean }>(
    target,
    `select to_regclass('public.kyrage_migrations') is not null as found`,
  );
  if (tables[0].found) assert.deepEqual(await history(target), [], message);
}

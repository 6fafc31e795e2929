/**
 * A project built by @izumisy/kyrage 1.6.0, written by hand from its
 * documented format: its README Quick Start schema as migration files
 * (`migrations/<epoch-ms>.json`), and the SQL upstream ran for the applied
 * ones, with Kysely's history tables and rows.
 */
import { sql } from "kysely";
import type { Database } from "../../src/dialect/database.ts";

const col = (
  type: string,
  options: { notNull?: boolean; primaryKey?: boolean; unique?: boolean; defaultSql?: string } = {},
) => ({
  type,
  primaryKey: options.primaryKey ?? false,
  notNull: options.notNull ?? false,
  unique: options.unique ?? false,
  ...(options.defaultSql ? { defaultSql: options.defaultSql } : {}),
});

/** Upstream's Quick Start, as 1.6.0 generates it (composite PK members are NOT NULL). */
export const UPSTREAM_FILE_1 = {
  version: "1",
  id: "1755525514175",
  diff: {
    operations: [
      {
        type: "create_table",
        table: "members",
        columns: {
          id: col("uuid", { primaryKey: true, notNull: true }),
          email: col("text", { unique: true, notNull: true }),
          name: col("text", { unique: true }),
          age: col("integer"),
          createdAt: col("timestamptz", { defaultSql: "now()" }),
        },
      },
      {
        type: "create_table",
        table: "posts",
        columns: {
          id: col("uuid", { notNull: true }),
          author_id: col("uuid", { notNull: true }),
          slug: col("text", { notNull: true }),
          title: col("text"),
          content: col("text", { notNull: true }),
        },
      },
      {
        table: "members",
        name: "idx_members_name_email",
        columns: ["name", "email"],
        unique: true,
        type: "create_index",
      },
      { table: "members", name: "members_id_primary_key", columns: ["id"], type: "create_primary_key_constraint" },
      {
        table: "posts",
        name: "pk_posts_id_author_id",
        columns: ["id", "author_id"],
        type: "create_primary_key_constraint",
      },
      { table: "members", name: "members_email_unique", columns: ["email"], type: "create_unique_constraint" },
      { table: "members", name: "members_name_unique", columns: ["name"], type: "create_unique_constraint" },
      { table: "posts", name: "unique_author_slug", columns: ["author_id", "slug"], type: "create_unique_constraint" },
      {
        table: "posts",
        name: "posts_author_fk",
        columns: ["author_id"],
        referencedTable: "members",
        referencedColumns: ["id"],
        onDelete: "cascade",
        type: "create_foreign_key_constraint",
      },
    ],
  },
};

export const UPSTREAM_FILE_2 = {
  version: "1",
  id: "1755600000500",
  diff: {
    operations: [
      { type: "add_column", table: "members", column: "bio", attributes: col("text") },
      {
        type: "alter_column",
        table: "members",
        column: "age",
        before: col("integer"),
        after: col("bigint"),
      },
      { table: "posts", name: "idx_posts_title", columns: ["title"], unique: false, type: "create_index" },
    ],
  },
};

/** Generated but not applied by upstream. */
export const UPSTREAM_FILE_3 = {
  version: "1",
  id: "1755700000000",
  diff: {
    operations: [
      {
        type: "add_column",
        table: "posts",
        column: "published",
        attributes: col("boolean", { notNull: true, defaultSql: "false" }),
      },
      { table: "posts", name: "idx_posts_title", type: "drop_index" },
    ],
  },
};

/** Upstream writes `JSON.stringify(migration, null, 2)`, no trailing newline. */
export function upstreamFiles(files = [UPSTREAM_FILE_1, UPSTREAM_FILE_2, UPSTREAM_FILE_3]): Record<string, string> {
  return Object.fromEntries(files.map((f) => [`migrations/${f.id}.json`, JSON.stringify(f, null, 2)]));
}

/** What upstream ran for files 1 and 2 (Kysely's Migrator: history tables, then each file and its row). */
const UPSTREAM_SQL = [
  `create table "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null)`,
  `create table "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null)`,
  `insert into "kysely_migration_lock" ("id", "is_locked") values ('migration_lock', 0)`,
  `create table "members" ("id" uuid not null, "email" text not null, "name" text, "age" integer, "createdAt" timestamptz default now(), constraint "members_id_primary_key" primary key ("id"), constraint "members_email_unique" unique ("email"), constraint "members_name_unique" unique ("name"))`,
  `create table "posts" ("id" uuid not null, "author_id" uuid not null, "slug" text not null, "title" text, "content" text not null, constraint "pk_posts_id_author_id" primary key ("id", "author_id"), constraint "unique_author_slug" unique ("author_id", "slug"), constraint "posts_author_fk" foreign key ("author_id") references "members" ("id") on delete cascade)`,
  `create unique index "idx_members_name_email" on "members" ("name", "email")`,
  `insert into "kysely_migration" ("name", "timestamp") values ('1755525514175', '2025-08-18T13:58:40.002Z')`,
  `alter table "members" add column "bio" text`,
  `alter table "members" alter column "age" type bigint`,
  `create index "idx_posts_title" on "posts" ("title")`,
  `insert into "kysely_migration" ("name", "timestamp") values ('1755600000500', '2025-08-19T10:41:00.000Z')`,
];

/** Apply upstream's files 1 and 2 as upstream did, or only file 1. */
export async function buildUpstreamDatabase(database: Database, files: 1 | 2 = 2): Promise<void> {
  const statements = files === 1 ? UPSTREAM_SQL.slice(0, 7) : UPSTREAM_SQL;
  await database.db.transaction().execute(async (tx) => {
    for (const statement of statements) await sql.raw(statement).execute(tx);
  });
}

/** Upstream's README Quick Start schema, verbatim but for the import specifier. */
export const QUICK_START_SCHEMA = `import { column as c, defineTable as t } from "kyrage";

export const members = t(
  "members",
  {
    id: c("uuid", { primaryKey: true }),
    email: c("text", { unique: true, notNull: true }),
    name: c("text", { unique: true }),
    age: c("integer"),
    createdAt: c("timestamptz", { defaultSql: "now()" }),
  },
  (t) => [
    t.index(["name", "email"], {
      unique: true,
    }),
  ]
);

export const posts = t(
  "posts",
  {
    id: c("uuid"),
    author_id: c("uuid"),
    slug: c("text", { notNull: true }),
    title: c("text"),
    content: c("text", { notNull: true }),
  },
  (t) => [
    t.primaryKey(["id", "author_id"]),
    t.unique(["author_id", "slug"], {
      name: "unique_author_slug",
    }),
    t.reference("author_id", members, "id", {
      onDelete: "cascade",
      name: "posts_author_fk"
    }),
  ]
);
`;

/** Upstream's README Quick Start config with its schema added, verbatim but for the import specifier. */
export const QUICK_START_CONFIG = `import { defineConfig } from "kyrage";
import { members, posts } from "./schema";

export default defineConfig({
  database: {
    dialect: "postgres",
    connectionString: "postgres://postgres:password@localhost:5432/mydb",
  },
  tables: [members, posts],
});
`;

/** The Quick Start schema after file 3, in kyrage's DSL with upstream's names spelled out. */
export const SCHEMA_AFTER_FILE_3 = `import { column as c, defineTable as t } from "kyrage";

export const members = t("members", {
  id: c("uuid"),
  email: c("text", { notNull: true }),
  name: c("text"),
  age: c("bigint"),
  createdAt: c("timestamptz", { defaultSql: "now()" }),
  bio: c("text"),
}, (t) => [
  t.primaryKey(["id"], { name: "members_id_primary_key" }),
  t.unique(["email"], { name: "members_email_unique" }),
  t.unique(["name"], { name: "members_name_unique" }),
  t.index(["name", "email"], { unique: true, name: "idx_members_name_email" }),
]);

export const posts = t("posts", {
  id: c("uuid"),
  author_id: c("uuid"),
  slug: c("text", { notNull: true }),
  title: c("text"),
  content: c("text", { notNull: true }),
  published: c("boolean", { notNull: true, defaultSql: "false" }),
}, (t) => [
  t.primaryKey(["id", "author_id"], { name: "pk_posts_id_author_id" }),
  t.unique(["author_id", "slug"], { name: "unique_author_slug" }),
  t.reference(["author_id"], members, ["id"], { onDelete: "cascade", name: "posts_author_fk" }),
]);
`;

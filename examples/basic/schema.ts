import { column, defineTable } from "kyrage";

export const users = defineTable("users", {
  id: column("bigserial", { primaryKey: true }),
  email: column("varchar(255)", { notNull: true, unique: true }),
  name: column("text"),
  created_at: column("timestamptz", { notNull: true, defaultSql: "now()" }),
});

export const posts = defineTable(
  "posts",
  {
    id: column("uuid", { primaryKey: true, defaultSql: "gen_random_uuid()" }),
    author_id: column("bigint", { notNull: true }),
    slug: column("text", { notNull: true }),
    title: column("text", { notNull: true }),
    body: column("text"),
    published: column("boolean", { notNull: true, defaultSql: "false" }),
  },
  (t) => [
    t.unique(["author_id", "slug"]),
    t.index(["published"]),
    t.reference(["author_id"], users, ["id"], { onDelete: "cascade" }),
  ],
);

/** Realistic schemas, each with an evolved version, for convergence tests. */
import { column, type Config, defineTable } from "../../src/mod.ts";

export function blog(evolved = false): Config {
  const users = defineTable("users", {
    id: column("bigserial", { primaryKey: true }),
    email: column("varchar(255)", { notNull: true, unique: true }),
    name: column(evolved ? "varchar(200)" : "text"),
    created_at: column("timestamptz", { notNull: true, defaultSql: "now()" }),
    ...(evolved ? { bio: column("text", { defaultSql: "''" }) } : {}),
  });
  const posts = defineTable(
    "posts",
    {
      id: column("uuid", { primaryKey: true, defaultSql: "gen_random_uuid()" }),
      author_id: column("bigint", { notNull: true }),
      slug: column("text", { notNull: true }),
      title: column("text", { notNull: evolved }),
      published: column("boolean", { notNull: true, defaultSql: evolved ? "true" : "false" }),
      ...(evolved ? {} : { legacy_score: column("int") }),
    },
    (t) => [
      t.unique(["author_id", "slug"]),
      evolved ? t.index(["published", "author_id"]) : t.index(["published"]),
      t.reference(["author_id"], users, ["id"], { onDelete: evolved ? "cascade" : undefined }),
    ],
  );
  const comments = defineTable("comments", {
    id: column("serial", { primaryKey: true }),
    post_id: column("uuid", { notNull: true }),
    body: column("text", { notNull: true }),
  }, (t) => [t.reference(["post_id"], "posts", ["id"])]);
  return { tables: evolved ? [users, posts] : [users, posts, comments] };
}

export function commerce(evolved = false): Config {
  const customers = defineTable("customers", {
    id: column("uuid", { primaryKey: true }),
    email: column("text", { notNull: true }),
    tags: column("text[]"),
    attributes: column("jsonb", { notNull: true, defaultSql: "'{}'" }),
    balance: column(evolved ? "numeric(12, 2)" : "numeric(10,2)", { defaultSql: "0" }),
  }, (t) => [evolved ? t.unique(["email"]) : t.index(["email"], { unique: true })]);
  const products = defineTable("products", {
    sku: column("char(12)", { primaryKey: true }),
    title: column("text", { notNull: true }),
    price: column("decimal(10,2)", { notNull: true }),
    weight: column(evolved ? "double precision" : "real"),
    stock: column(evolved ? "bigint" : "int", { notNull: true, defaultSql: "0" }),
    added: column("date", { defaultSql: "CURRENT_DATE" }),
  });
  const orders = defineTable("orders", {
    id: column("bigint", { identity: "always", primaryKey: true }),
    customer_id: column("uuid", { notNull: true }),
    placed_at: column("timestamp(3)", { notNull: true, defaultSql: "CURRENT_TIMESTAMP" }),
    status: column("varchar(20)", { notNull: true, defaultSql: "'new'" }),
    ip: column("inet"),
    ...(evolved ? { note: column("text") } : {}),
  }, (t) => [t.reference(["customer_id"], customers, ["id"], { onDelete: "restrict" })]);
  const items = defineTable("order_items", {
    order_id: column("bigint"),
    line: column("smallint"),
    sku: column("char(12)", { notNull: true }),
    quantity: column("int", { notNull: true, defaultSql: "1" }),
  }, (t) => [
    t.primaryKey(["order_id", "line"]),
    t.reference(["order_id"], orders, ["id"], { onDelete: "cascade" }),
    t.reference(["sku"], products, ["sku"]),
  ]);
  const reviews = defineTable("reviews", {
    id: column("bigserial", { primaryKey: true }),
    sku: column("char(12)", { notNull: true }),
    stars: column("smallint", { notNull: true }),
  }, (t) => [t.reference(["sku"], products, ["sku"], { onDelete: "cascade" })]);
  return { tables: evolved ? [customers, products, orders, items, reviews] : [customers, products, orders, items] };
}

/** Composite keys, a composite foreign key, and hostile identifiers. */
export function saas(evolved = false): Config {
  const tenants = defineTable("tenants", {
    id: column("uuid", { primaryKey: true }),
    "Display Name": column("text", { notNull: true }),
    select: column("int"),
  });
  const members = defineTable("members", {
    tenant_id: column("uuid"),
    id: column("int"),
    'quote"d': column("text"),
    Éclair: column("text"),
    role: column("text", { notNull: true, defaultSql: evolved ? "'admin'" : "'member'" }),
  }, (t) => [
    t.primaryKey(["tenant_id", "id"]),
    t.reference(["tenant_id"], tenants, ["id"], { onDelete: "cascade" }),
    ...(evolved ? [t.index(["role", "Éclair"], { name: "Members By Role" })] : []),
  ]);
  const projects = defineTable("Project List", {
    tenant_id: column("uuid", { notNull: true }),
    id: column("int", { notNull: true }),
    owner_id: column("int", { notNull: true }),
    name: column("text", { notNull: true }),
  }, (t) => [
    t.primaryKey(["tenant_id", "id"]),
    t.reference(["tenant_id", "owner_id"], members, ["tenant_id", "id"], {
      onUpdate: "cascade",
      name: evolved ? "project owner" : undefined,
    }),
    t.unique(["tenant_id", "name"]),
  ]);
  return { tables: [tenants, members, projects] };
}

/** Two new tables referencing each other: foreign keys must come last. */
export function cycle(evolved = false): Config {
  const a = defineTable("a", { id: column("int", { primaryKey: true }), b_id: column("int") }, (t) => [
    t.reference(["b_id"], "b", ["id"]),
  ]);
  const b = defineTable("b", { id: column("int", { primaryKey: true }), a_id: column("int") }, (t) => [
    t.reference(["a_id"], "a", ["id"]),
  ]);
  const c = defineTable("c", { id: column("int", { primaryKey: true }) });
  return { tables: evolved ? [c] : [a, b, c] };
}

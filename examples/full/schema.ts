/** Every object kind kyrage manages, in one schema. */
import { column, defineEnum, defineTable } from "kyrage";

export const mood = defineEnum("mood", ["sad", "ok", "happy"]);

export const accounts = defineTable(
  "billing.accounts",
  {
    id: column("bigint", { identity: "always", primaryKey: true }),
    name: column("text", { notNull: true, comment: "Shown on invoices" }),
    code: column("varchar(12)", { notNull: true }),
  },
  (t) => [t.unique(["code"], { nullsNotDistinct: true })],
  { comment: "Who pays" },
);

export const invoices = defineTable(
  "billing.invoices",
  {
    id: column("uuid", { primaryKey: true, defaultSql: "gen_random_uuid()" }),
    account_id: column("bigint", { notNull: true }),
    net: column("numeric(12,2)", { notNull: true }),
    tax: column("numeric(12,2)", { notNull: true, defaultSql: "0" }),
    total: column("numeric(12,2)", { generatedAs: "net + tax" }),
    issued_at: column("timestamptz", { notNull: true, defaultSql: "CURRENT_TIMESTAMP" }),
    due_at: column("timestamptz", { defaultSql: "now() + interval '30 days'" }),
    period: column("tstzrange"),
  },
  (t) => [
    t.check("net >= 0", { name: "invoices_net_not_negative" }),
    t.check("tax >= 0 AND tax <= net"),
    t.reference(["account_id"], "billing.accounts", ["id"], { onDelete: "restrict", deferrable: "deferred" }),
    t.index(["account_id", { column: "issued_at", order: "desc", nulls: "last" }], { include: ["total"] }),
    t.index(["period"], { using: "gist" }),
    t.index(["issued_at"], { using: "brin", name: "invoices_issued_brin" }),
  ],
);

export const users = defineTable("users", {
  id: column("serial", { primaryKey: true }),
  email: column("text", { notNull: true }),
  mood: column(mood, { notNull: true, defaultSql: "'ok'" }),
  tags: column("text[]", { notNull: true, defaultSql: "'{}'" }),
  profile: column("jsonb"),
  account_id: column("bigint"),
  deleted_at: column("timestamptz"),
}, (t) => [
  t.index([{ expression: "lower(email)" }], { unique: true, where: "deleted_at IS NULL" }),
  t.index([{ column: "email", opclass: "text_pattern_ops" }]),
  t.index(["email"], { using: "hash", name: "users_email_hash" }),
  t.index(["tags"], { using: "gin" }),
  t.index(["profile"], { using: "gin", concurrently: true }),
  t.check("mood <> 'sad' OR deleted_at IS NULL", { name: "users_sad_only_if_active" }),
  t.reference(["account_id"], "billing.accounts", ["id"], { onDelete: "set null" }),
]);

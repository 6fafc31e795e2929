/**
 * Issue 16's proof, every object kind in one schema: an `updated_at` trigger,
 * a view over a join, a materialized view with a unique index, a `security
 * definer` SQL function with a default argument and an overload, row-level
 * security with two policies, citext and pgcrypto, a standalone sequence and
 * a domain with a check. Built from the config, populated, pulled back
 * (`pg_dump --schema-only` of a rebuild from the pull equals the source's),
 * then a second version — a column type under a view, a function's body and
 * signature, a policy and a trigger's events — migrates the populated
 * database with no row lost and re-plans empty.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  column,
  type Config,
  defineDomain,
  defineExtension,
  defineFunction,
  defineMaterializedView,
  definePolicy,
  defineSequence,
  defineTable,
  defineTrigger,
  defineView,
} from "../../src/config/dsl.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { createTestDatabase } from "../support/backends.ts";
import { dumpDiff, pgDump } from "../support/pg_dump.ts";
import { converge, generateAndApply, plan } from "../support/pipeline.ts";
import { pulledProject } from "../support/objects.ts";

const email = defineDomain("email", { type: "citext", checks: [{ expression: "VALUE ~ '@'" }] });
const users = (nameType = "varchar(100)") =>
  defineTable("users", {
    id: column("bigint", { primaryKey: true }),
    email: column(email, { notNull: true }),
    name: column(nameType),
    token: column("text", { defaultSql: "encode(gen_random_bytes(8), 'hex')" }),
    updated_at: column("timestamptz", { notNull: true, defaultSql: "now()" }),
  });
const orders = defineTable(
  "orders",
  {
    id: column("bigint", { primaryKey: true, defaultSql: "nextval('invoice_number')" }),
    user_id: column("bigint", { notNull: true }),
    total: column("numeric(10,2)", { notNull: true }),
  },
  (t) => [t.reference(["user_id"], "users", ["id"])],
  { rowLevelSecurity: true },
);

const touch = defineFunction("touch_updated_at", {
  returns: "trigger",
  language: "plpgsql",
  body: "begin new.updated_at := now(); return new; end",
});
const bigOrders = (body: string, args = [{ name: "min", type: "numeric", default: "0" }]) =>
  defineFunction("big_orders", { args, returns: "bigint", language: "sql", body, securityDefiner: true });
const bigOrdersBetween = defineFunction("big_orders", {
  args: [{ name: "min", type: "numeric" }, { name: "max", type: "numeric" }],
  returns: "bigint",
  language: "sql",
  body: "select count(*) from orders where total between min and max",
});

const config = (v2: boolean): Config => ({
  extensions: [defineExtension("citext"), defineExtension("pgcrypto")],
  sequences: [defineSequence("invoice_number", { start: 1000 })],
  domains: [email],
  tables: [users(v2 ? "text" : "varchar(100)"), orders],
  functions: [
    touch,
    v2
      ? bigOrders("select count(*) from orders where total > min and total > 0", [
        { name: "min", type: "numeric", default: "0" },
        { name: "currency", type: "text", default: "'EUR'" },
      ])
      : bigOrders("select count(*) from orders where total > min"),
    bigOrdersBetween,
  ],
  triggers: [
    defineTrigger("users_touch", {
      table: "users",
      timing: "before",
      events: v2 ? ["update"] : [{ update: ["name"] }],
      forEach: "row",
      function: touch,
    }),
  ],
  views: [
    defineView("user_orders", "select u.id, u.name, o.total from users u join orders o on o.user_id = u.id"),
    defineMaterializedView(
      "order_totals",
      "select user_id, sum(total) as total from orders group by user_id",
      (m) => [m.index(["user_id"], { unique: true })],
    ),
  ],
  policies: [
    definePolicy("read_all", { table: "orders", command: "select", using: "true" }),
    definePolicy("write_big", {
      table: "orders",
      command: "insert",
      withCheck: v2 ? "total > 0 and total < 1000000" : "total > 0",
    }),
  ],
});

Deno.test({
  name: "every object kind round-trips through pull and migrates a populated database [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const d = await createTestDatabase("postgres");
    const e = await createTestDatabase("postgres");
    const dir = await Deno.makeTempDir();
    const source = await d.open();
    const empty = await e.open();
    try {
      await converge(source, dir, config(false));
      await sql`insert into users (id, email, name) values (1, 'A@x.org', 'Ann'), (2, 'b@x.org', 'Bob')`
        .execute(source.db);
      await sql`insert into orders (user_id, total) values (1, 10), (1, 20), (2, 5)`.execute(source.db);
      await sql`refresh materialized view order_totals`.execute(source.db);

      // Pull, rebuild elsewhere, compare.
      const pulled = await pullDatabase(source, ["public"]);
      assert.deepEqual(pulled.unsupported, [], "everything is managed");
      const pulledConfig = await pulledProject(dir, pulled);
      assert.deepEqual(await plan(source, pulledConfig), [], "the pull plans empty against its source");
      await generateAndApply(empty, pulledConfig);
      assert.deepEqual(await plan(empty, pulledConfig), [], "and against its rebuild");
      await sql`drop table ${sql.table(HISTORY_QUALIFIED)}`.execute(empty.db);
      const sourceDump = await pgDump(d.databaseUrl!);
      assert.deepEqual(
        dumpDiff(sourceDump.filter((s) => !s.includes("kyrage_migrations")), await pgDump(e.databaseUrl!)),
        [],
      );

      // Version 2 on the populated source.
      const ops = await converge(source, dir, config(true));
      const kinds = ops.map((op) =>
        op.kind === "create_object" || op.kind === "drop_object"
          ? `${op.kind} ${op.object.kind} ${op.object.name}`
          : op.kind === "alter_object"
          ? `alter_object ${op.to.kind} ${op.to.name}`
          : op.kind
      );
      for (
        const expected of [
          "drop_object view user_orders",
          "alter_column",
          "create_object view user_orders",
          "drop_object function big_orders",
          "create_object function big_orders",
          "alter_object policy write_big",
        ]
      ) assert.ok(kinds.includes(expected), `${expected} in ${kinds.join(", ")}`);
      assert.ok(kinds.some((k) => k.endsWith("trigger users_touch")), kinds.join(", "));
      const rows = await sql<{ users: number; orders: number; seen: number }>`
        select (select count(*)::int from users) as users, (select count(*)::int from orders) as orders,
               (select count(*)::int from user_orders) as seen`.execute(source.db);
      assert.deepEqual(rows.rows[0], { users: 2, orders: 3, seen: 3 }, "no row lost");
      const called = await sql<{ n: string }>`select big_orders(6) as n`.execute(source.db);
      assert.equal(Number(called.rows[0].n), 2, "the new signature runs, its default filled");
      const before = await sql<{ at: Date }>`select updated_at as at from users where id = 2`.execute(source.db);
      await sql`update users set email = 'bob@x.org' where id = 2`.execute(source.db);
      const after = await sql<{ at: Date }>`select updated_at as at from users where id = 2`.execute(source.db);
      assert.ok(after.rows[0].at > before.rows[0].at, "the trigger now fires on any update");
    } finally {
      await source.close();
      await empty.close();
      await d.dispose();
      await e.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

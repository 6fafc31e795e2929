/**
 * Views and materialized views (issue 16): created after the tables they
 * read, compared as PostgreSQL prints them, replaced in place when only
 * columns are appended, and dropped and created again around a change to a
 * column they read; populated tables keep every row.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, type Config, defineMaterializedView, defineTable, defineView } from "../../src/config/dsl.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { introspect } from "../../src/dialect/postgres/introspect.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { createTestDatabase, databaseTest } from "../support/backends.ts";
import { converge, generateAndApply, loaded, plan } from "../support/pipeline.ts";
import { kinds, pulledProject } from "../support/objects.ts";

const users = (emailType = "varchar(100)") =>
  defineTable("users", {
    id: column("int", { primaryKey: true }),
    email: column(emailType, { notNull: true }),
    active: column("boolean", { notNull: true, defaultSql: "true" }),
  });
const orders = defineTable("orders", {
  id: column("int", { primaryKey: true }),
  user_id: column("int", { notNull: true }),
  total: column("numeric(10,2)", { notNull: true }),
}, (t) => [t.reference(["user_id"], "users", ["id"])]);

// Written the way a person writes SQL; PostgreSQL prints it back differently.
const activeUsers = defineView("active_users", "SELECT id, email FROM users WHERE active", {
  comment: "Who can sign in",
});
const spenders = (extra = "") =>
  defineView(
    "spenders",
    `select u.id, u.email, sum(o.total) as spent${extra} from users u join orders o on o.user_id = u.id group by u.id, u.email`,
    { securityBarrier: true },
  );
const totals = defineMaterializedView(
  "daily_totals",
  "select user_id, count(*) as orders from orders group by user_id",
  (m) => [m.index(["user_id"], { unique: true })],
);

const config = (over: Partial<Config> = {}): Config => ({
  tables: [users(), orders],
  views: [activeUsers, spenders(), totals],
  ...over,
});

databaseTest(
  "views and a materialized view are created after their tables and re-plan empty",
  async (database, dir) => {
    const ops = await converge(database, dir, config());
    const order = kinds(ops);
    assert.ok(order.indexOf("create_object spenders") > order.lastIndexOf("add_foreign_key"), order.join(", "));
    await sql`insert into users values (1, 'a@x', true), (2, 'b@x', false)`.execute(database.db);
    await sql`insert into orders values (1, 1, 5), (2, 1, 7)`.execute(database.db);
    const rows = await sql<{ email: string }>`select email from active_users`.execute(database.db);
    assert.deepEqual(rows.rows.map((r) => r.email), ["a@x"]);
    const comment = await sql<{ c: string }>`select obj_description('active_users'::regclass, 'pg_class') as c`
      .execute(database.db);
    assert.equal(comment.rows[0].c, "Who can sign in");
  },
);

databaseTest(
  "a column type change under views drops them, alters the column, creates them again",
  async (database, dir) => {
    await converge(database, dir, config());
    await sql`insert into users values (1, 'a@x', true)`.execute(database.db);
    await sql`insert into orders values (1, 1, 5)`.execute(database.db);
    const ops = await converge(database, dir, config({ tables: [users("text"), orders] }));
    const k = kinds(ops);
    // spenders reads active_users' table only, so the two drops are in name order.
    assert.deepEqual(k, [
      "drop_object active_users",
      "drop_object spenders",
      "alter_column",
      "create_object active_users",
      "create_object spenders",
    ]);
    const rows = await sql<{ n: number }>`select count(*)::int as n from spenders`.execute(database.db);
    assert.equal(rows.rows[0].n, 1, "rows kept");
  },
);

databaseTest("a view that only gains a column is replaced in place; a removed view is gated", async (database, dir) => {
  await converge(database, dir, config());
  const ops = await converge(database, dir, config({ views: [activeUsers, spenders(", count(*) as n"), totals] }));
  assert.deepEqual(kinds(ops), ["alter_object spenders"]);
  await assert.rejects(
    () => generateMigration(database, loaded(config({ views: [activeUsers, totals] }), dir)),
    (e: Error) => e instanceof KyrageError && /view public\.spenders/.test(e.message),
  );
  const dropped = await converge(database, dir, config({ views: [activeUsers, totals] }));
  assert.deepEqual(kinds(dropped), ["drop_object spenders"]);
});

databaseTest("a view's formatting and case never make a change", async (database, dir) => {
  await converge(database, dir, config());
  const reformatted = defineView("active_users", "select\n  id,\n  EMAIL\nfrom   public.users\nwhere ACTIVE", {
    comment: "Who can sign in",
  });
  assert.deepEqual(await plan(database, loaded(config({ views: [reformatted, spenders(), totals] }), dir)), []);
});

databaseTest(
  "pull writes views and materialized views that re-plan empty and rebuild the same",
  async (database, dir, source) => {
    await converge(database, dir, config());
    const pulled = await pullDatabase(database, ["public"]);
    assert.ok(pulled.source.includes("export const views = ["), pulled.source);
    const pulledConfig = await pulledProject(dir, pulled);
    assert.deepEqual(await plan(database, pulledConfig), [], "the pull plans empty against its source");
    const options = { schemas: ["public"], excludeTables: [HISTORY_QUALIFIED] };
    const target = await createTestDatabase(source.backend);
    const empty = await target.open();
    try {
      await generateAndApply(empty, pulledConfig);
      assert.deepEqual(
        (await introspect(empty.db, options)).objects,
        (await introspect(database.db, options)).objects,
      );
    } finally {
      await empty.close();
      await target.dispose();
    }
  },
);

databaseTest(
  "a view over a view is rebuilt with it, in dependency order, whatever their names",
  async (database, dir) => {
    // "a_top" reads "z_base": name order alone would create it first and drop it last.
    const base = (extra = "") => defineView("z_base", `select id, email${extra} from users`);
    const top = defineView("a_top", "select email from z_base");
    await converge(database, dir, { tables: [users()], views: [base(), top] });
    // z_base loses a column (not an append): rebuilt, and a_top with it.
    const ops = await converge(database, dir, {
      tables: [users()],
      views: [defineView("z_base", "select email, id from users"), top],
    });
    assert.deepEqual(kinds(ops), [
      "drop_object a_top",
      "drop_object z_base",
      "create_object z_base",
      "create_object a_top",
    ]);
    // Both gone at once: the reader is dropped first.
    const dropped = await converge(database, dir, { tables: [users()] });
    assert.deepEqual(kinds(dropped), ["drop_object a_top", "drop_object z_base"]);
  },
);

databaseTest("a view PostgreSQL rejects is named before anything is planned", async (database, dir) => {
  await converge(database, dir, { tables: [users()] });
  await assert.rejects(
    () => plan(database, loaded({ tables: [users()], views: [defineView("bad", "select nope from users")] }, dir)),
    (e: Error) =>
      e instanceof KyrageError &&
      /PostgreSQL rejects view public\.bad as the config declares it: column "nope" does not exist/.test(e.message),
  );
});

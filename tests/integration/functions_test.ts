/**
 * Functions, procedures and triggers (issue 16): created before the tables
 * whose defaults call them (after those whose row type they return),
 * replaced in place when PostgreSQL allows it, dropped and created again
 * with the views and triggers that use them otherwise; populated tables keep
 * every row, and everything re-plans empty.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  column,
  type Config,
  defineFunction,
  defineProcedure,
  defineTable,
  defineTrigger,
  defineView,
  type TriggerEvent,
} from "../../src/config/dsl.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";
import { kinds } from "../support/objects.ts";

const users = defineTable("users", {
  id: column("int", { primaryKey: true }),
  name: column("text", { notNull: true }),
  // A default calling a function the same migration creates.
  code: column("text", { notNull: true, defaultSql: "new_code()" }),
  updated_at: column("timestamptz"),
});
const newCode = defineFunction("new_code", { returns: "text", language: "sql", body: "select 'c' || user_count()" });
// A SQL body reading a table created later in the same migration.
const userCount = defineFunction("user_count", {
  returns: "bigint",
  language: "sql",
  body: "select count(*) from users",
});
const touch = defineFunction("touch_updated_at", {
  returns: "trigger",
  language: "plpgsql",
  body: "begin new.updated_at := now(); return new; end",
  comment: "Stamps updated_at",
});
const touchUsers = (events: TriggerEvent[] = ["update"], enabled?: "disabled") =>
  defineTrigger("users_touch", {
    table: users,
    timing: "before",
    events,
    forEach: "row",
    // OLD exists for updates only.
    ...(events.includes("insert") ? {} : { when: "OLD.* IS DISTINCT FROM NEW.*" }),
    function: touch,
    ...(enabled ? { enabled } : {}),
  });
const greet = (body = "select 'hello ' || who") =>
  defineFunction("greet", {
    args: [{ name: "who", type: "text", default: "'world'" }],
    returns: "text",
    language: "sql",
    body,
    volatility: "stable",
    securityDefiner: true,
    searchPath: ["public", "pg_temp"],
  });
const greetTimes = defineFunction("greet", {
  args: [{ name: "who", type: "text" }, { name: "times", type: "int" }],
  returns: "text",
  language: "sql",
  body: "select repeat(greet(who), times)",
});
const greetings = defineView("greetings", "select id, greet(name) as greeting from users");
const named = defineFunction("named", {
  args: [{ name: "n", type: "text" }],
  returns: "setof users",
  language: "sql",
  body: "select * from users where name = n",
});
const rename = defineProcedure("rename_user", {
  args: [{ name: "uid", type: "int" }, { name: "new_name", type: "text" }],
  language: "sql",
  body: "update users set name = new_name where id = uid",
});

const config = (over: Partial<Config> = {}): Config => ({
  tables: [users],
  functions: [newCode, userCount, touch, greet(), greetTimes, named, rename],
  triggers: [touchUsers()],
  views: [greetings],
  ...over,
});

databaseTest("functions, a procedure and a trigger are created in order and work", async (database, dir) => {
  const order = kinds(await converge(database, dir, config()));
  assert.ok(order.indexOf("create_object new_code") < order.indexOf("create_table"), order.join(", "));
  assert.ok(order.indexOf("create_object named") > order.indexOf("create_table"), order.join(", "));
  assert.ok(order.indexOf("create_object users_touch") > order.indexOf("create_object touch_updated_at"));
  await sql`insert into users (id, name) values (1, 'ann'), (2, 'bob')`.execute(database.db);
  await sql`call rename_user(2, 'bea')`.execute(database.db);
  const rows = await sql<{ code: string; updated: boolean; hello: string; twice: string; n: number }>`
    select code, updated_at is not null as updated, greet() as hello, greet('x', 2) as twice,
           (select count(*)::int from named('bea')) as n
    from users where id = 2`.execute(database.db);
  assert.deepEqual(rows.rows[0], { code: "c1", updated: true, hello: "hello world", twice: "hello xhello x", n: 1 });
  const greeting = await sql<{ greeting: string }>`select greeting from greetings where id = 1`.execute(database.db);
  assert.equal(greeting.rows[0].greeting, "hello ann");
});

databaseTest("a body change replaces the function in place, keeping what uses it", async (database, dir) => {
  await converge(database, dir, config());
  const ops = await converge(
    database,
    dir,
    config({ functions: [newCode, userCount, touch, greet("select 'hi ' || who"), greetTimes, named, rename] }),
  );
  assert.deepEqual(kinds(ops), ["alter_object greet"]);
});

databaseTest(
  "a signature change drops and creates the function with the view that calls it; rows are kept",
  async (database, dir) => {
    await converge(database, dir, config());
    await sql`insert into users (id, name) values (1, 'ann')`.execute(database.db);
    const greet2 = defineFunction("greet", {
      args: [{ name: "who", type: "text", default: "'world'" }, { name: "mark", type: "text", default: "'!'" }],
      returns: "text",
      language: "sql",
      body: "select 'hello ' || who || mark",
    });
    const ops = await converge(
      database,
      dir,
      config({ functions: [newCode, userCount, touch, greet2, greetTimes, named, rename] }),
    );
    assert.deepEqual(kinds(ops), [
      "drop_object greetings",
      "drop_object greet",
      "create_object greet",
      "create_object greetings",
    ]);
    const rows = await sql<{ greeting: string }>`select greeting from greetings`.execute(database.db);
    assert.deepEqual(rows.rows, [{ greeting: "hello ann!" }]);
  },
);

databaseTest("a trigger's events are replaced in place, its enabled state altered", async (database, dir) => {
  await converge(database, dir, config());
  await sql`insert into users (id, name) values (1, 'ann')`.execute(database.db);
  const ops = await converge(database, dir, config({ triggers: [touchUsers(["insert", { update: ["name"] }])] }));
  assert.deepEqual(kinds(ops), ["alter_object users_touch"]);
  await sql`insert into users (id, name) values (2, 'bob')`.execute(database.db);
  const stamped = await sql<{ id: number }>`select id from users where updated_at is not null`.execute(database.db);
  assert.deepEqual(stamped.rows, [{ id: 2 }]);
  const disabled = await converge(database, dir, config({ triggers: [touchUsers(["update"], "disabled")] }));
  assert.deepEqual(kinds(disabled), ["alter_object users_touch"]);
  const state = await sql<{ e: string }>`select tgenabled as e from pg_trigger where tgname = 'users_touch'`
    .execute(database.db);
  assert.equal(state.rows[0].e, "D");
});

databaseTest("spelling, case and formatting of types and conditions never make a change", async (database, dir) => {
  await converge(database, dir, config());
  const respelled = defineTrigger("users_touch", {
    table: "public.users",
    timing: "before",
    events: ["update"],
    forEach: "row",
    when: "old.*   is distinct from new.*",
    function: "public.touch_updated_at",
  });
  const greetRespelled = defineFunction("greet", {
    args: [{ name: "who", type: "TEXT" }, { name: "times", type: "int4" }],
    returns: "pg_catalog.text",
    language: "SQL",
    body: "select repeat(greet(who), times)",
  });
  const changed = config({
    triggers: [respelled],
    functions: [newCode, userCount, touch, greet(), greetRespelled, named, rename],
  });
  assert.deepEqual(await plan(database, loaded(changed, dir)), []);
});

databaseTest(
  "a function the config no longer declares is dropped only past the destructive gate",
  async (database, dir) => {
    await converge(database, dir, config());
    const without = config({ functions: [newCode, userCount, touch, greet(), named, rename] });
    await assert.rejects(
      () => generateMigration(database, loaded(without, dir)),
      (e: Error) => e instanceof KyrageError && /function public\.greet\(who text, times integer\)/.test(e.message),
    );
    assert.deepEqual(kinds(await converge(database, dir, without)), ["drop_object greet"]);
  },
);

databaseTest(
  "a column retyped under an UPDATE OF trigger drops it, alters the column, creates it again",
  async (database, dir) => {
    const byName = config({ triggers: [touchUsers([{ update: ["name"] }])] });
    await converge(database, dir, byName);
    await sql`insert into users (id, name) values (1, 'ann')`.execute(database.db);
    const wider = defineTable("users", { ...users.columns, name: column("varchar(200)", { notNull: true }) });
    const ops = kinds(await converge(database, dir, { ...byName, tables: [wider] }));
    for (const name of ["users_touch", "named", "greetings"]) {
      assert.ok(ops.indexOf(`drop_object ${name}`) < ops.indexOf("alter_column"), ops.join(", "));
      assert.ok(ops.indexOf(`create_object ${name}`) > ops.indexOf("alter_column"), ops.join(", "));
    }
    const rows = await sql<{ name: string }>`select name from users`.execute(database.db);
    assert.deepEqual(rows.rows, [{ name: "ann" }]);
  },
);

/**
 * Domains (issue 16): created before the tables whose columns use them,
 * compared as PostgreSQL prints them, changed in place with ALTER DOMAIN on a
 * populated table, a new base type refused while a column uses the domain;
 * and the row-level security round trip: a table with RLS, two policies and
 * a domain column pulled back exactly (pg_dump identical on PostgreSQL), its
 * second version migrating a populated database with no rows lost.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  column,
  type Config,
  defineDomain,
  definePolicy,
  defineTable,
  defineView,
  type DomainOptions,
} from "../../src/config/dsl.ts";
import { introspect } from "../../src/dialect/postgres/introspect.ts";
import { KyrageError } from "../../src/errors.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { createTestDatabase, databaseTest } from "../support/backends.ts";
import { dumpDiff, pgDump } from "../support/pg_dump.ts";
import { converge, generateAndApply, loaded, plan } from "../support/pipeline.ts";
import { kinds, pulledProject } from "../support/objects.ts";

const email = (over: Partial<DomainOptions> = {}) =>
  defineDomain("email", {
    type: "varchar(200)",
    checks: [{ expression: "VALUE LIKE '%@%'" }],
    comment: "An address",
    ...over,
  });
const users = (domain = email()) =>
  defineTable(
    "users",
    {
      id: column("int", { primaryKey: true }),
      email: column(domain, { notNull: true }),
      owner: column("text", { notNull: true, defaultSql: "current_user" }),
    },
    undefined,
    { rowLevelSecurity: true },
  );
const policies = (readUsing = "owner = current_user") => [
  definePolicy("read_own", { table: "users", command: "select", using: readUsing }),
  definePolicy("no_foreign_mail", {
    table: "users",
    as: "restrictive",
    to: ["pg_read_all_data"],
    withCheck: "email NOT LIKE '%.invalid'",
    command: "insert",
  }),
];
const config = (over: Partial<Config> = {}): Config => ({ tables: [users()], policies: policies(), ...over });

databaseTest("a domain used by a column is created before the table and checks its values", async (db, dir) => {
  const ops = await converge(db, dir, { tables: [users()] });
  assert.deepEqual(kinds(ops).slice(0, 2), ["create_object email", "create_table"]);
  await sql`insert into users (id, email) values (1, 'a@x')`.execute(db.db);
  await assert.rejects(() => sql`insert into users (id, email) values (2, 'nobody')`.execute(db.db), /email_check/);
  const reformatted = email({ checks: [{ expression: "(value like '%@%')" }] });
  assert.deepEqual(await plan(db, loaded({ tables: [users(reformatted)] }, dir)), [], "formatting is no change");
});

databaseTest("default, NOT NULL and checks change in place on a populated table", async (db, dir) => {
  await converge(db, dir, { tables: [users()] });
  await sql`insert into users (id, email) values (1, 'a@x'), (2, 'b@y')`.execute(db.db);
  const changed = email({
    default: "'nobody@example.com'",
    notNull: true,
    checks: [{ name: "email_short", expression: "length(VALUE) < 100" }],
    comment: "Where mail goes",
  });
  const ops = await converge(db, dir, { tables: [users(changed)] });
  assert.deepEqual(kinds(ops), ["alter_object email"]);
  const domain = await sql<{ d: string; n: boolean; checks: string[] }>`
    select typdefault as d, typnotnull as n,
           array(select conname::text from pg_constraint where contypid = t.oid and contype = 'c' order by 1) as checks
    from pg_type t where typname = 'email'`.execute(db.db);
  assert.deepEqual(domain.rows[0], { d: "'nobody@example.com'::character varying", n: true, checks: ["email_short"] });
  const rows = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db.db);
  assert.equal(rows.rows[0].n, 2, "rows kept");
});

databaseTest("a new base type is refused while a column uses the domain, rebuilt when none does", async (db, dir) => {
  await converge(db, dir, { tables: [users()] });
  await assert.rejects(
    () => plan(db, loaded({ tables: [users(email({ type: "text" }))] }, dir)),
    (e: Error) =>
      e instanceof KyrageError && /domain public\.email would have to be dropped .* column public\.users\.email/
        .test(e.message),
  );
  const plain = defineTable("users", { id: column("int", { primaryKey: true }), email: column("text") });
  await converge(db, dir, { tables: [plain], domains: [email()] });
  const ops = await converge(db, dir, { tables: [plain], domains: [email({ type: "text" })] });
  assert.deepEqual(kinds(ops), ["drop_object email", "create_object email"]);
});

databaseTest("a domain goes after its column, whatever else the change drops first", async (db, dir) => {
  const view = defineView("user_emails", "select id, email from users");
  await converge(db, dir, { tables: [users()], views: [view] });
  const plain = defineTable("users", { id: column("int", { primaryKey: true }) });
  const ops = await converge(db, dir, { tables: [plain] });
  assert.deepEqual(kinds(ops), [
    "drop_object user_emails",
    "drop_column",
    "drop_column",
    "alter_table",
    "drop_object email",
  ]);
});

databaseTest(
  "RLS, two policies and a domain pull back exactly; the second version migrates a populated database",
  async (db, dir, source) => {
    await converge(db, dir, config());
    const pulled = await pullDatabase(db, ["public"]);
    assert.deepEqual(pulled.unsupported, []);
    const pulledConfig = await pulledProject(dir, pulled);
    assert.deepEqual(await plan(db, pulledConfig), [], "the pull plans empty against its source");
    const options = { schemas: ["public"], excludeTables: [HISTORY_QUALIFIED] };
    const target = await createTestDatabase(source.backend);
    const empty = await target.open();
    try {
      await generateAndApply(empty, pulledConfig);
      assert.deepEqual(await introspect(empty.db, options), await introspect(db.db, options));
      if (source.databaseUrl) {
        assert.deepEqual(dumpDiff(await pgDump(source.databaseUrl), await pgDump(target.databaseUrl!)), []);
      }
    } finally {
      await empty.close();
      await target.dispose();
    }

    await sql`insert into users (id, email) values (1, 'a@x'), (2, 'b@y')`.execute(db.db);
    const ops = await converge(db, dir, config({ policies: policies("owner = current_user or id < 2") }));
    assert.deepEqual(kinds(ops), ["alter_object read_own"]);
    const rows = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db.db);
    assert.equal(rows.rows[0].n, 2, "rows kept");
  },
);

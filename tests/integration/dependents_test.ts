/**
 * Unmanaged objects that depend on what a migration drops or retypes would
 * make `apply` fail mid-way: `generate` finds them through pg_depend and
 * refuses, naming each one and what to do; `plan` marks them WILL FAIL.
 * What PostgreSQL drops or rebuilds itself (a dropped table's triggers and
 * policies) and renames (PostgreSQL follows them) are never refused.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import type { Database } from "../../src/dialect/database.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { column, type Config, defineEnum, defineTable } from "../../src/mod.ts";
import { backendTest, databaseTest } from "../support/backends.ts";
import { projectFor, runCli } from "../support/cli.ts";
import { converge, generateAndApply, loaded } from "../support/pipeline.ts";

async function exec(database: Database, ...statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(database.db);
}

/** generate refuses (destructive changes allowed), the message matching every pattern, and writes nothing. */
async function refused(database: Database, dir: string, config: Config, ...patterns: RegExp[]): Promise<void> {
  const before = (await readMigrations(`${dir}/migrations`)).length;
  await assert.rejects(generateMigration(database, loaded(config, dir), { allowDestructive: true }), (e: Error) => {
    assert.ok(e instanceof KyrageError, `a KyrageError, not ${e}`);
    assert.match(e.message, /would fail/);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
  assert.equal((await readMigrations(`${dir}/migrations`)).length, before, "nothing written");
}

const users = (email: string) =>
  defineTable("users", { id: column("int", { primaryKey: true }), email: column(email) });

databaseTest("a view over a column whose type changes is refused, naming view and column", async (database, dir) => {
  await converge(database, dir, { tables: [users("varchar(100)")] });
  await exec(database, "create schema reports", "create view reports.active_users as select id, email from users");
  await refused(
    database,
    dir,
    { tables: [users("text")] },
    /view reports\.active_users depends on column public\.users\.email, whose type the migration changes \(character varying\(100\) → text\)/,
    /outside the schemas kyrage owns: drop the view before applying and recreate it after/,
  );
  // Renamed in the same plan: found under the names the database has now.
  const renamed = defineTable(
    "people",
    {
      id: column("int", { primaryKey: true }),
      address: column("text", { renamedFrom: "email" }),
    },
    undefined,
    { renamedFrom: "users" },
  );
  await refused(
    database,
    dir,
    { tables: [renamed] },
    /view reports\.active_users depends on column public\.users\.email, whose type the migration changes/,
  );
  await exec(database, "drop view reports.active_users");
  await converge(database, dir, { tables: [users("text")] });
});

databaseTest(
  "a view over a dropped table, a foreign key and an inheriting table from an unmanaged schema, are refused",
  async (database, dir) => {
    const old = defineTable("old", { id: column("int", { primaryKey: true }), note: column("text") });
    await converge(database, dir, { tables: [users("text"), old] });
    await exec(
      database,
      "create schema reports",
      "create view reports.report as select note from old",
      "create schema other",
      "create table other.refs (old_id int references public.old (id))",
      "create table other.heir (extra int) inherits (public.old)",
    );
    await refused(
      database,
      dir,
      { tables: [users("text")] },
      /view reports\.report depends on table public\.old, which the migration drops/,
      /foreign key refs_old_id_fkey on other\.refs depends on table public\.old/,
      /it belongs to other\.refs, which kyrage does not manage/,
      /table other\.heir depends on table public\.old, which the migration drops, .*NO INHERIT/,
    );
  },
);

databaseTest(
  "a function taking an enum that is rebuilt, and a materialized view over a converted column, are refused",
  async (database, dir) => {
    const t = (values: string[]) => ({
      tables: [defineTable("tickets", { id: column("int"), status: column(defineEnum("status", values)) })],
    });
    await converge(database, dir, t(["open", "closed"]));
    await exec(
      database,
      "create schema reports",
      "create function reports.is_open(s status) returns boolean language sql as $$ select s = 'open' $$",
      "create materialized view reports.open_tickets as select id, status from tickets",
    );
    await refused(
      database,
      dir,
      t(["closed", "open"]),
      /function reports\.is_open\(s status\) depends on enum type public\.status, which the migration rebuilds/,
      /materialized view reports\.open_tickets depends on column public\.tickets\.status, which the rebuild of enum public\.status converts/,
    );
  },
);

databaseTest(
  "undeclared policies and triggers on an owned table are dropped through the gate before the columns they read change",
  async (database, dir) => {
    const docs = (columns: Record<string, ReturnType<typeof column>>) => ({
      tables: [defineTable("docs", { id: column("int"), ...columns })],
    });
    await converge(database, dir, docs({ owner: column("int"), body: column("text") }));
    await exec(
      database,
      "create policy mine on docs using (owner = 1)",
      "create function touch() returns trigger language plpgsql as $$ begin return new; end $$",
      "create trigger touch_body before update of body on docs for each row execute function touch()",
    );
    const config = loaded(docs({ body: column("varchar(10)") }), dir);
    await assert.rejects(
      generateMigration(database, config),
      (e: Error) =>
        /policy mine on public\.docs/.test(e.message) && /trigger touch_body on public\.docs/.test(e.message),
    );
    const ops = await generateAndApply(database, config);
    const kinds = ops.map((op) => op.kind === "drop_object" ? `drop ${op.object.kind}` : op.kind);
    for (const dropped of ["drop policy", "drop trigger"]) {
      assert.ok(kinds.indexOf(dropped) < kinds.indexOf("drop_column"), kinds.join(", "));
      assert.ok(kinds.indexOf(dropped) < kinds.indexOf("alter_column"), kinds.join(", "));
    }
  },
);

databaseTest(
  "a dropped table's own triggers, policies, rules and indexes go with it; a renamed column keeps its view",
  async (database, dir) => {
    const gone = defineTable("gone", { id: column("int", { primaryKey: true }), n: column("int") });
    await converge(database, dir, { tables: [users("text"), gone] });
    await exec(
      database,
      "create function touch() returns trigger language plpgsql as $$ begin return new; end $$",
      "create trigger gone_touch before update of n on gone for each row execute function touch()",
      "alter table gone enable row level security",
      "create policy p on gone using (n > 0)",
      "create rule gone_log as on insert to gone do also select new.n",
      "create index gone_n on gone (n)",
      "create schema reports",
      "create view reports.emails as select email from users",
    );
    const renamed = defineTable("users", {
      id: column("int", { primaryKey: true }),
      address: column("text", { renamedFrom: "email" }),
    });
    const ops = await generateAndApply(database, loaded({ tables: [renamed] }, dir));
    // The trigger, its function and the policy are kyrage's now (undeclared: dropped, allowed here); the rule and
    // the index go with the table.
    assert.deepEqual(ops.map((op) => op.kind).filter((k) => k !== "drop_object").sort(), [
      "drop_table",
      "rename_column",
    ]);
    const view = await sql<{ def: string }>`select pg_get_viewdef('reports.emails'::regclass) as def`.execute(
      database.db,
    );
    assert.match(view.rows[0].def, /address/, "the view follows the rename");
  },
);

databaseTest(
  "a publication listing a dropped column, and a column of an unmanaged table using a dropped enum, are refused",
  async (database, dir) => {
    const mood = defineEnum("mood", ["sad", "happy"]);
    await converge(database, dir, {
      tables: [defineTable("people", { id: column("int"), name: column("text"), mood: column(mood) })],
    });
    await exec(
      database,
      "create publication people_pub for table people (id, name)",
      "create schema other",
      "create table other.moods (m public.mood)",
    );
    await refused(
      database,
      dir,
      { tables: [defineTable("people", { id: column("int") })] },
      /publication people_pub \(table public\.people\) depends on column public\.people\.name, which the migration drops/,
      /ALTER PUBLICATION/,
      /column other\.moods\.m depends on enum type public\.mood, which the migration drops/,
      /add it to the config's schemas/,
    );
  },
);

backendTest("plan marks an unmanaged dependent WILL FAIL", async (target) => {
  const dir = await projectFor(target, `defineTable("users", { id: column("int"), email: column("varchar(50)") })`);
  const database = await target.open();
  try {
    await exec(
      database,
      "create table users (id int, email text)",
      "create schema reports",
      "create view reports.mails as select email from users",
    );
  } finally {
    await database.close();
  }
  const result = await runCli(["plan"], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^-- WILL FAIL: view reports\.mails depends on column public\.users\.email, whose type the migration changes/m,
  );
  const json = JSON.parse((await runCli(["plan", "--json"], { cwd: dir })).stdout);
  assert.deepEqual(json.blockers.map((b: { object: string }) => b.object), ["view reports.mails"]);
  await Deno.remove(dir, { recursive: true });
});

/**
 * `status` compares the live schema with the applied history replayed on the
 * dev database, PGlite (PostgreSQL 18), while the test server is PostgreSQL
 * 15: the two print view queries, checks, defaults, ... each its own way.
 * Right after `pull --baseline` nothing drifted; a change made by hand
 * afterwards still reads as drift.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestDatabase, type TestDatabase } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";

const KEYS = ["domains", "enums", "functions", "policies", "schemas", "tables", "triggers", "types", "views"];

async function run(target: TestDatabase, statements: readonly string[]): Promise<void> {
  const database = await target.open();
  try {
    for (const statement of statements) await sql.raw(statement).execute(database.db);
  } finally {
    await database.close();
  }
}

/** A PostgreSQL database holding `statements`, adopted with `pull --baseline`; `check` gets the project. */
async function adopted(statements: readonly string[], check: (dir: string, target: TestDatabase) => Promise<void>) {
  const target = await createTestDatabase("postgres");
  // The config passes on whichever of these arrays `pull` writes.
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import * as pulled from "./schema.ts";
const keys = ${JSON.stringify(KEYS)};
export default defineConfig({
  database: ${databaseBlock(target)},
  ...Object.fromEntries(Object.entries(pulled).filter(([k]) => keys.includes(k))),
});
`,
    "schema.ts": "export const schemas = ['public'];\nexport const tables = [];\n",
  });
  try {
    await run(target, statements);
    const pulled = await runCli(["pull", "--baseline", "--force", "--schema", "public"], { cwd: dir });
    assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
    const planned = await runCli(["plan", "--exit-code"], { cwd: dir });
    assert.equal(planned.code, 0, planned.stdout + planned.stderr);
    await check(dir, target);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await target.dispose();
  }
}

async function assertNoDrift(dir: string): Promise<void> {
  const status = await runCli(["status", "--exit-code"], { cwd: dir });
  assert.doesNotMatch(status.stdout, /Schema drift/, status.stdout + status.stderr);
  assert.match(status.stdout, /Schema: matches what the applied migrations produce/);
  assert.equal(status.code, 0, status.stdout + status.stderr);
}

const TABLES = [
  "create table users (id int primary key, email text not null, n int default (1 + 2), " +
  "t timestamptz default now() + interval '1 day', g int generated always as (n * 2 + coalesce(id, 0)) stored, " +
  "check (n > 0 and n::text <> 'x'))",
  "create table posts (id int primary key, user_id int references users, title text, created date default current_date)",
];

// Seen before the fix: every view that reads one table drifted (`SELECT users.id` on 15, `SELECT id` on 18).
Deno.test({
  name: "status: views and materialized views adopted from PostgreSQL 15 do not drift [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    adopted([
      ...TABLES,
      "create view user_emails as select id, email from users",
      "create view busy as select user_id, count(*) as c from posts group by user_id having count(*) > 1",
      "create view writers as select id from users where id in (select user_id from posts)",
      "create view titles as select u.id, p.title from users u join posts p on p.user_id = u.id",
      "create materialized view recent as select id, email from users where id > 0",
    ], assertNoDrift),
});

// Every other kind whose text PostgreSQL deparses goes through the same read-back on the server: none may drift.
Deno.test({
  name: "status: checks, defaults, index and generated expressions, policies, triggers, domains, routines " +
    "adopted from PostgreSQL 15 do not drift [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    adopted([
      ...TABLES,
      "create index users_lower on users (lower(email)) where email like '%@%' and n between 1 and 10",
      "create domain posint as int check (value > 0 and value < 1000)",
      "create function f(x int default 1 + 1, y text default 'a') returns int language sql immutable as 'select x'",
      "create function g(x int) returns int language sql immutable begin atomic select x + 1; end",
      "create function h() returns setof users language sql stable begin atomic select * from users where id > 0; end",
      "create function touch() returns trigger language plpgsql as 'begin return new; end'",
      "create trigger on_email before update on users for each row " +
      "when (old.email is distinct from new.email and new.n > 0) execute function touch()",
      "alter table posts enable row level security",
      "create policy own on posts using (user_id in (select id from users where email like '%@x')) " +
      "with check (title <> '' and user_id > 0)",
      "create policy seen on posts for select using (exists (select 1 from users u where u.id = posts.user_id))",
    ], assertNoDrift),
});

// The read-back must not hide real drift: a view changed by hand after the baseline is reported.
Deno.test({
  name: "status: a view changed by hand after pull --baseline is drift [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    adopted([...TABLES, "create view user_emails as select id, email from users"], async (dir, target) => {
      await assertNoDrift(dir);
      await run(target, ["create or replace view user_emails as select id, email from users where id > 0"]);
      const status = await runCli(["status", "--exit-code"], { cwd: dir });
      assert.equal(status.code, 2, status.stdout + status.stderr);
      assert.match(status.stdout, /Schema drift: .* 1 operation would restore it:\n {2}~ view public\.user_emails/);
    }),
});

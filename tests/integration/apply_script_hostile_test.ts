/**
 * Hostile cases for a migration sent as one simple-protocol script: text that
 * could end or split the script early, transaction control in hand-written
 * steps, failures at either end, non-deterministic failures, big scripts, and
 * rows read back through the simple protocol on both drivers. The failing
 * statement is found without running anything twice (a hand-written step
 * runs once), and on PGlite an 08P01 (a NUL in the SQL) does not leave the
 * session inside the aborted transaction.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, defineFunction, defineTable, defineView } from "../../src/config/dsl.ts";
import { literal } from "../../src/dialect/postgres/quote.ts";
import { KyrageError } from "../../src/errors.ts";
import type { Database } from "../../src/dialect/database.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { readHistory } from "../../src/migrations/history.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { databaseTest, serverTest } from "../support/backends.ts";
import { converge } from "../support/pipeline.ts";
import { exists, holdLock, migration, table, waitFor } from "../support/sessions.ts";

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

const apply = async (database: Database, dir: string) =>
  applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);

const failure = async (database: Database, dir: string): Promise<KyrageError> => {
  const error = await apply(database, dir).then(() => assert.fail("apply should fail"), (e) => e);
  assert.ok(error instanceof KyrageError, String(error?.stack ?? error));
  return error;
};

const step = (text: string): Operation => ({ kind: "sql", sql: text });

databaseTest("hand-written COMMIT in the middle of a step commits nothing", async (database, dir) => {
  await migration(dir, "20250101000000000", [
    ...table("before_commit"),
    step("create table half_a (id int); commit; create table half_b (id int)"),
    ...table("after_commit"),
  ]);
  const error = await failure(database, dir);
  assert.match(error.message, /failed and was rolled back/);
  for (const name of ["before_commit", "half_a", "half_b", "after_commit"]) {
    assert.equal(await exists(database, name), false, name);
  }
  assert.deepEqual(await readHistory(database.db), []);
});

databaseTest("hand-written ROLLBACK, BEGIN, END, COMMIT steps commit nothing", async (database, dir) => {
  for (
    const [i, text] of ["rollback; create table rb (id int)", "begin; create table bg (id int)", "end", "commit"]
      .entries()
  ) {
    await migration(dir, `2025010${i + 1}000000000`, [...table(`pre_${i}`), step(text), ...table(`post_${i}`)]);
    const error = await failure(database, dir);
    assert.match(error.message, new RegExp(`Migration 2025010${i + 1}000000000`));
    assert.equal(await exists(database, `pre_${i}`), false, `${text}: pre`);
    assert.equal(await exists(database, `post_${i}`), false, `${text}: post`);
    assert.deepEqual(await readHistory(database.db), []);
    await Deno.remove(`${dir}/migrations`, { recursive: true });
  }
});

databaseTest(
  "comments, semicolons in literals, dollar quotes and identifiers survive the script",
  async (database, dir) => {
    await migration(dir, "20250101000000000", [
      step(`create table "semi;colon" (v text default 'a;b') -- trailing comment`),
      step(`insert into "semi;colon" values ($q$x;
;y$q$), ('--not a comment'), (E'\\n;') -- c;`),
      step(`insert into "semi;colon" values ('/* not a comment */') /* block ; comment */`),
      {
        kind: "set_table_comment",
        schema: "public",
        table: "semi;colon",
        comment: "it's; -- $$ $kyrage$ \n; /*",
      },
      step('insert into "semi;colon" default values --'),
    ]);
    await apply(database, dir);
    const rows = await sql<{ v: string }>`select v from "semi;colon" order by v`.execute(database.db);
    assert.deepEqual(
      rows.rows.map((r) => r.v).sort(),
      ["--not a comment", "/* not a comment */", "\n;", "a;b", "x;\n;y"].sort(),
    );
    const comment = await sql<{ c: string }>`select obj_description('"semi;colon"'::regclass, 'pg_class') as c`.execute(
      database.db,
    );
    assert.equal(comment.rows[0].c, "it's; -- $$ $kyrage$ \n; /*");
    assert.equal((await readHistory(database.db)).length, 1);
  },
);

databaseTest("a failure in the very first statement is named with its error", async (database, dir) => {
  await sql`create table taken (id int)`.execute(database.db);
  await migration(dir, "20250101000000000", [...table("taken"), ...table("second"), ...table("third")]);
  const error = await failure(database, dir);
  assert.match(error.message, /statement: CREATE TABLE "public"\."taken"/);
  assert.match(error.message, /code: 42P07/);
  assert.equal(await exists(database, "second"), false);
  assert.deepEqual(await readHistory(database.db), []);
});

databaseTest("a failure in the very last statement is named, with the rows that break it", async (database, dir) => {
  await sql`create table priced (price int)`.execute(database.db);
  await sql`insert into priced values (1), (-5)`.execute(database.db);
  await sql`alter table priced add constraint priced_positive check (price > 0) not valid`.execute(database.db);
  await migration(dir, "20250101000000000", [
    ...table("first"),
    ...table("second"),
    { kind: "validate_constraint", schema: "public", table: "priced", name: "priced_positive" },
  ]);
  const error = await failure(database, dir);
  assert.match(error.message, /statement: ALTER TABLE "public"\."priced" VALIDATE CONSTRAINT "priced_positive"\n/);
  assert.match(error.message, /code: 23514/);
  assert.match(error.message, /rows: .*-5/);
  assert.equal(await exists(database, "first"), false);
  assert.deepEqual(await readHistory(database.db), []);
});

databaseTest("a syntax error in the last statement: the first failing one is still named", async (database, dir) => {
  await sql`create table taken (id int)`.execute(database.db);
  await migration(dir, "20250101000000000", [
    ...table("fresh"),
    ...table("taken"),
    {
      kind: "add_check",
      schema: "public",
      table: "taken",
      check: { name: "broken", expression: "id >>> 0" },
    },
  ]);
  const error = await failure(database, dir);
  assert.match(error.message, /statement: CREATE TABLE "public"\."taken"/, error.message);
});

databaseTest("a syntax error is named with its own SQLSTATE", async (database, dir) => {
  await migration(dir, "20250101000000000", [
    ...table("fresh"),
    { kind: "add_check", schema: "public", table: "fresh", check: { name: "broken", expression: "id = = 0" } },
    ...table("later"),
  ]);
  const error = await failure(database, dir);
  assert.match(error.message, /statement: ALTER TABLE "public"\."fresh" ADD CONSTRAINT "broken"/, error.message);
  assert.match(error.message, /code: 42601/, error.message);
  assert.equal(await exists(database, "fresh"), false);
});

databaseTest("a hand-written step's own exception keeps its DETAIL and HINT", async (database, dir) => {
  await migration(dir, "20250101000000000", [
    ...table("kept_out"),
    step(
      "do $$ begin raise exception 'boom' using detail = 'the detail', hint = 'the hint', errcode = 'P0042'; end $$",
    ),
  ]);
  const error = await failure(database, dir);
  assert.match(error.message, /statement: do \$\$ begin raise exception/);
  assert.match(error.message, /error: boom/);
  assert.match(error.message, /detail: the detail/);
  assert.match(error.message, /hint: the hint/);
  assert.match(error.message, /code: P0042/);
  assert.equal(await exists(database, "kept_out"), false);
});

/** An enum and a table using it. */
const MOOD: Operation[] = [
  { kind: "create_enum", schema: "public", name: "mood", values: ["happy"] },
  { kind: "create_table", schema: "public", table: "feelings", columns: [{ name: "m", type: "mood", notNull: false }] },
];

databaseTest("enum value added in one migration is usable in the next of the same run", async (database, dir) => {
  await migration(dir, "20250101000000000", MOOD);
  await migration(dir, "20250102000000000", [{ kind: "add_enum_value", schema: "public", name: "mood", value: "sad" }]);
  await migration(dir, "20250103000000000", [step("insert into feelings values ('sad')")]);
  const { applied } = await apply(database, dir);
  assert.equal(applied.length, 3);
  const rows = await sql<{ m: string }>`select m::text from feelings`.execute(database.db);
  assert.deepEqual(rows.rows, [{ m: "sad" }]);
});

databaseTest("enum value used in the migration that adds it: the using statement is named", async (database, dir) => {
  await migration(dir, "20250101000000000", MOOD);
  await apply(database, dir);
  await migration(dir, "20250102000000000", [
    { kind: "add_enum_value", schema: "public", name: "mood", value: "sad" },
    step("insert into feelings values ('sad')"),
  ]);
  const error = await failure(database, dir);
  assert.match(error.message, /statement: insert into feelings values \('sad'\)/);
  assert.match(error.message, /code: 55P04/);
  const labels = await sql<{ n: number }>`select count(*)::int as n from pg_enum`.execute(database.db);
  assert.equal(labels.rows[0].n, 1);
});

databaseTest("three thousand statements in one migration, and the last one failing", async (database, dir) => {
  const comments: Operation[] = Array.from({ length: 3000 }, (_, i) => ({
    kind: "set_table_comment",
    schema: "public",
    table: "big",
    comment: `comment ${i}; -- ${i}`,
  }));
  await migration(dir, "20250101000000000", [...table("big"), ...comments]);
  await apply(database, dir);
  const c = await sql<{ c: string }>`select obj_description('big'::regclass, 'pg_class') as c`.execute(database.db);
  assert.equal(c.rows[0].c, "comment 2999; -- 2999");
  await migration(dir, "20250102000000000", [...comments, ...table("big")]);
  const error = await failure(database, dir);
  assert.match(error.message, /statement: CREATE TABLE "public"\."big"/);
  const after = await sql<{ c: string }>`select obj_description('big'::regclass, 'pg_class') as c`.execute(database.db);
  assert.equal(after.rows[0].c, "comment 2999; -- 2999");
  assert.equal((await readHistory(database.db)).length, 1);
});

databaseTest("rows read without parameters parse as with parameters", async (database) => {
  const columns = `1::int as i, 9007199254740993::bigint as b, array[1,2]::int[] as a, array[[1],[2]]::int8[] as a2,
    true as t, false as f, '{"k":[1,null]}'::json as j, '{"k":1}'::jsonb as jb, null::int as n, 1.50::numeric as num,
    '{x,"y z",NULL}'::text[] as ta, '2024-01-02 03:04:05+00'::timestamptz as ts, '\\x0102'::bytea as by,
    2.5::float8 as f8, 3::int2 as i2, 'a b'::text as s, array[true,false] as ba, '{}'::int[] as empty,
    '2024-01-02'::date as d, array['{"a":"b"}'::jsonb] as jba, 'ab'::varchar as vc, '1 day'::interval as iv,
    '00000000-0000-0000-0000-000000000001'::uuid as u`;
  const simple = await sql.raw(`select ${columns}`).execute(database.db);
  const extended = await sql`select ${sql.raw(columns)}, ${1}::int as p`.execute(database.db);
  const { p: _p, ...rest } = extended.rows[0] as Record<string, unknown>;
  assert.deepEqual(simple.rows[0], rest);
});

databaseTest("rows affected count without parameters", async (database) => {
  await sql`create table counted (id int)`.execute(database.db);
  const inserted = await sql.raw(`insert into counted select generate_series(1, 3)`).execute(database.db);
  assert.equal(inserted.numAffectedRows, 3n);
  const updated = await sql.raw(`update counted set id = id + 1 where id > 1`).execute(database.db);
  assert.equal(updated.numAffectedRows, 2n);
  const many = await database.db.selectFrom("counted").select("id").orderBy("id").execute();
  assert.deepEqual(many, [{ id: 1 }, { id: 3 }, { id: 4 }]);
});

/** Sessions waiting on a lock whose query is the whole script (`script`) or one statement of it. */
async function waiting(database: Database, script: boolean): Promise<number[]> {
  const r = await sql<{ pid: number }>`
    select pid from pg_stat_activity
    where pid <> pg_backend_pid() and wait_event_type = 'Lock'
      and position('"blocker" ADD COLUMN' in query) > 0
      and (position(${"\n;"} in query) > 0) = ${script}`.execute(database.db);
  return r.rows.map((row) => row.pid);
}

const LOCKED = [
  ...table("first_step"),
  { kind: "add_column", schema: "public", table: "blocker", column: { name: "x", type: "text", notNull: false } },
  ...table("last_step"),
] satisfies Operation[];

serverTest("a lock timeout mid-script names the waiting statement", async (database, dir, target) => {
  await sql`create table blocker (id int)`.execute(database.db);
  await migration(dir, "20250101000000000", LOCKED);
  const release = await holdLock(target.databaseUrl!, "blocker");
  try {
    const error = await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), {
      ...APPLY,
      statementLockTimeout: "300ms",
    }).then(() => assert.fail("apply should fail"), (e) => e);
    assert.ok(error instanceof KyrageError, String(error));
    assert.match(error.message, /statement: ALTER TABLE "public"\."blocker" ADD COLUMN "x" text\n/);
    assert.match(error.message, /error: canceling statement due to lock timeout/);
    assert.match(error.message, /code: 55P03/);
  } finally {
    await release();
  }
  assert.equal(await exists(database, "first_step"), false);
  assert.deepEqual(await readHistory(database.db), []);
});

serverTest(
  "the session ended while the script waits on a lock: reported as a lost connection",
  async (database, dir, target) => {
    await sql`create table blocker (id int)`.execute(database.db);
    await migration(dir, "20250101000000000", LOCKED);
    const release = await holdLock(target.databaseUrl!, "blocker");
    const applying = applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY)
      .then(() => undefined, (e) => e);
    try {
      await waitFor("the script to wait", async () => (await waiting(database, true)).length > 0);
      for (const pid of await waiting(database, true)) {
        await sql`select pg_terminate_backend(${pid})`.execute(database.db);
      }
    } finally {
      await release();
    }
    const error = await applying;
    assert.ok(error instanceof KyrageError, String(error));
    assert.match(error.message, /connection to PostgreSQL was lost/, error.message);
    assert.equal(await exists(database, "first_step"), false);
    assert.deepEqual(await readHistory(database.db), []);
  },
);

databaseTest("a migration with no statements is recorded", async (database, dir) => {
  await migration(dir, "20250101000000000", []);
  await migration(dir, "20250102000000000", table("after_empty"));
  const { applied } = await apply(database, dir);
  assert.equal(applied.length, 2);
  assert.deepEqual((await readHistory(database.db)).map((h) => h.id), ["20250101000000000", "20250102000000000"]);
});

databaseTest("a NUL in a comment: nothing applied, and the database still answers after", async (database, dir) => {
  await migration(dir, "20250101000000000", [
    ...table("nul_before"),
    { kind: "set_table_comment", schema: "public", table: "nul_before", comment: "a\u0000b" },
    ...table("nul_after"),
  ]);
  await failure(database, dir);
  assert.equal(await exists(database, "nul_before"), false);
  assert.equal(await exists(database, "nul_after"), false);
  assert.deepEqual(await readHistory(database.db), []);
});

databaseTest("the second statement of a hand-written step fails: the step is named", async (database, dir) => {
  await migration(dir, "20250101000000000", [
    ...table("kept_out"),
    step("create table twice (id int); create table twice (id int)"),
  ]);
  const error = await failure(database, dir);
  assert.match(error.message, /statement: create table twice \(id int\); create table twice \(id int\)\n/);
  assert.match(error.message, /code: 42P07/);
  assert.equal(await exists(database, "twice"), false);
  assert.equal(await exists(database, "kept_out"), false);
});

databaseTest("statement_timeout applies to each statement of the script, not to the whole", async (database, dir) => {
  // PGlite's one session takes the SET; a server's new sessions the database default.
  await sql`set statement_timeout = '1500ms'`.execute(database.db);
  await sql`alter database ${
    sql.id((await sql<{ d: string }>`select current_database() as d`.execute(database.db)).rows[0].d)
  }
    set statement_timeout = '1500ms'`.execute(database.db);
  await migration(dir, "20250101000000000", [
    step("select pg_sleep(0.6)"),
    step("select pg_sleep(0.6)"),
    step("select pg_sleep(0.6)"),
    ...table("slept"),
  ]);
  await apply(database, dir);
  assert.equal(await exists(database, "slept"), true);
});

databaseTest("config text full of ; -- $$ and quotes goes through generate and apply intact", async (database, dir) => {
  const odd = "it's; -- not $$ a \n; comment /*";
  await converge(database, dir, {
    tables: [
      defineTable("odd", {
        v: column("text", { defaultSql: literal(odd) }),
        w: column("text", { comment: odd }),
      }, (t) => [t.check(`v <> ${literal(";\n--")}`, { name: "odd_v_check" })]),
    ],
    views: [
      defineView("odd_view", `select ${literal(odd)} as s, $$x;\n;y$$ as d from odd -- trailing comment`, {
        comment: odd,
      }),
    ],
    functions: [
      defineFunction("odd_fn", {
        returns: "text",
        language: "plpgsql",
        body: `begin -- $kyrage$ ;\n  return ${literal(odd)} || $q$;\n;$q$; end`,
        comment: odd,
      }),
    ],
  });
  await sql`insert into odd default values`.execute(database.db);
  const row = await sql<{ s: string; d: string; f: string; v: string }>`
    select s, d, odd_fn() as f, (select v from odd) as v from odd_view`.execute(database.db);
  assert.deepEqual(row.rows, [{ s: odd, d: "x;\n;y", f: `${odd};\n;`, v: odd }]);
  const comments = await sql<{ c: string }>`
    select obj_description('odd_view'::regclass, 'pg_class') as c
    union all select obj_description('odd_fn'::regproc, 'pg_proc')
    union all select col_description('odd'::regclass, 2)`.execute(database.db);
  assert.deepEqual(comments.rows.map((r) => r.c), [odd, odd, odd]);
});

databaseTest("a failing migration runs its hand-written steps once", async (database, dir) => {
  await sql`create sequence calls`.execute(database.db);
  await sql`create table taken (id int)`.execute(database.db);
  await migration(dir, "20250101000000000", [step("select nextval('calls')"), ...table("taken")]);
  await failure(database, dir);
  const calls = await sql<{ n: string }>`select last_value::text as n from calls`.execute(database.db);
  assert.equal(calls.rows[0].n, "1", "the hand-written step ran again to find the failing statement");
});

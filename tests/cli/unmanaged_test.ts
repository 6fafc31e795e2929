/**
 * "No changes" never means "everything is in sync" when the managed schemas
 * hold what kyrage does not compare: plan and status list it (and their
 * --json has it), from the same query pull uses.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { backendTest } from "../support/backends.ts";
import { projectFor, runCli } from "../support/cli.ts";

const TABLES = `defineTable("users", { id: column("int"), email: column("text") }, (t) => [t.index(["email"])]),
  defineTable("child", { id: column("int"), email: column("text"), extra: column("text") })`;

backendTest("plan and status say No changes AND list what kyrage does not manage", async (target) => {
  const dir = await projectFor(target, TABLES);
  // Tablespaces are cluster-wide: a unique one, created in place (no directory to prepare), dropped at the end.
  const tablespace = `kyrage_ts_${crypto.randomUUID().slice(0, 8)}`;
  const database = await target.open();
  try {
    for (
      const statement of [
        "create table users (id int, email text)",
        "create table child (extra text) inherits (users)",
        // Functions are managed; aggregates are not.
        "create aggregate total(integer) (sfunc = int4pl, stype = integer)",
        "alter table users force row level security",
      ]
    ) await sql.raw(statement).execute(database.db);
    await database.db.connection().execute(async (conn) => {
      await sql`set allow_in_place_tablespaces = true`.execute(conn);
      await sql.raw(`create tablespace ${tablespace} location ''`).execute(conn);
    });
    await sql.raw(`alter table child set tablespace ${tablespace}`).execute(database.db);
    await sql.raw(`create index users_email_idx on users (email) tablespace ${tablespace}`).execute(database.db);
  } finally {
    await database.close();
  }
  const expected = [
    "aggregate public.total(integer)",
    "forced row-level security (not enabled) on public.users",
    `index users_email_idx on public.users in tablespace ${tablespace}`,
    "table public.child in tablespace " + tablespace,
    "table public.child inheriting from public.users",
  ];
  try {
    const plan = await runCli(["plan", "--exit-code"], { cwd: dir });
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /^-- No changes: /m);
    const line = plan.stdout.split("\n").find((l) => l.startsWith("-- NOT MANAGED (left as they are): "));
    assert.equal(line, `-- NOT MANAGED (left as they are): ${expected.join(", ")}`);

    const json = JSON.parse((await runCli(["plan", "--json"], { cwd: dir })).stdout);
    assert.equal(json.changes, false);
    assert.deepEqual(json.unmanaged, expected);

    const status = await runCli(["status"], { cwd: dir });
    assert.match(
      status.stdout,
      new RegExp(`^NOT MANAGED \\(left as they are\\): ${expected[0].replace(/[()]/g, "\\$&")}`, "m"),
    );
    assert.deepEqual(JSON.parse((await runCli(["status", "--json"], { cwd: dir })).stdout).unmanaged, expected);

    const pull = await runCli(["pull", "--out", "pulled.ts"], { cwd: dir });
    assert.equal(pull.code, 0, pull.stderr);
    for (const what of expected) assert.ok(pull.stdout.includes(`  ${what}\n`), `pull lists ${what}`);
  } finally {
    const cleanup = await target.open();
    try {
      await sql`alter table child set tablespace pg_default`.execute(cleanup.db);
      await sql`alter index users_email_idx set tablespace pg_default`.execute(cleanup.db);
      await sql.raw(`drop tablespace ${tablespace}`).execute(cleanup.db);
    } finally {
      await cleanup.close();
      await Deno.remove(dir, { recursive: true });
    }
  }
});

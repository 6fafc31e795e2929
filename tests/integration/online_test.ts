/**
 * Online DDL by default on populated tables (issue 17): what the plan is made
 * of, that it converges, that a failed validation names the rows and leaves
 * the constraint NOT VALID, `online: false`, hazards, `--max-lock`, and
 * hand-written SQL steps. On PostgreSQL and PGlite.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import type { Database } from "../../src/dialect/database.ts";
import { KyrageError } from "../../src/errors.ts";
import { checkHistory, generateMigration, writeSqlStep } from "../../src/migrations/generate.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { column, type Config, defineTable } from "../../src/mod.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";
import { renderPlan } from "../../src/cli/render.ts";
import { tableSizes } from "../../src/plan.ts";

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

const accounts = defineTable("accounts", { id: column("int", { primaryKey: true }) });

const orders = (after: boolean, online?: boolean): Config => ({
  ...(online === undefined ? {} : { online }),
  tables: [
    accounts,
    defineTable(
      "orders",
      {
        id: column("int", { primaryKey: true }),
        account_id: column("int"),
        code: column("text", { notNull: after }),
        total: column("int"),
      },
      (t) =>
        after
          ? [
            t.index(["account_id"]),
            t.unique(["code"]),
            t.reference(["account_id"], "accounts", ["id"]),
            t.check("total >= 0"),
          ]
          : [],
    ),
  ],
});

async function populate(database: Database): Promise<void> {
  await sql`insert into accounts select g from generate_series(1, 10) g`.execute(database.db);
  await sql`insert into orders select g, 1 + g % 10, 'c' || g, g from generate_series(1, 500) g`.execute(database.db);
}

const apply = async (database: Database, dir: string) =>
  await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);

databaseTest("on a populated table, the default plan is online and converges", async (database, dir) => {
  await converge(database, dir, orders(false));
  await populate(database);
  const before = (await readMigrations(`${dir}/migrations`)).length;
  const result = await generateMigration(database, loaded(orders(true), dir));
  const files = (await readMigrations(`${dir}/migrations`)).slice(before);
  const steps = files.map((f) => f.file.operations.map((op) => op.kind).join("+"));
  assert.deepEqual(steps, [
    "add_check+add_check", // the config's check and the NOT NULL helper, both NOT VALID
    "create_index",
    "create_index",
    "validate_constraint+validate_constraint", // the checks
    "set_not_null",
    "add_unique+add_foreign_key", // keys after their columns' SET NOT NULL; foreign keys after the keys
    "validate_constraint",
  ]);
  assert.equal(result.paths.length, files.length);
  const index = files[1].file.operations[0];
  assert.ok(index.kind === "create_index" && index.index.concurrently, "built concurrently");
  await apply(database, dir);
  assert.deepEqual(await plan(database, loaded(orders(true), dir)), [], "re-plan is empty");
  const notValid = await sql<{ n: number }>`select count(*)::int as n from pg_constraint where not convalidated`
    .execute(database.db);
  assert.equal(notValid.rows[0].n, 0, "every constraint ends validated");
  const helper = await sql<
    { n: number }
  >`select count(*)::int as n from pg_constraint where conname like '%not_null_check'`
    .execute(database.db);
  assert.equal(helper.rows[0].n, 0, "the helper check is gone");
});

databaseTest("a primary key on a populated nullable column is attached after SET NOT NULL", async (database, dir) => {
  const people = (key: boolean) => ({ tables: [defineTable("people", { id: column("int", { primaryKey: key }) })] });
  await converge(database, dir, people(false));
  await sql`insert into people select g from generate_series(1, 500) g`.execute(database.db);
  // Attached to a nullable column, the key would scan under ACCESS EXCLUSIVE, which "none" refuses.
  await generateMigration(database, loaded(people(true), dir), { maxLock: "none" });
  const files = await readMigrations(`${dir}/migrations`);
  assert.deepEqual(files.slice(1).map((f) => f.file.operations.map((op) => op.kind).join("+")), [
    "add_check",
    "create_index",
    "validate_constraint",
    "set_not_null",
    "add_primary_key",
  ]);
  await apply(database, dir);
  assert.deepEqual(await plan(database, loaded(people(true), dir)), [], "re-plan is empty");
});

databaseTest("a replica identity on an index built concurrently comes after the build", async (database, dir) => {
  const accounts = (identity: boolean) => ({
    tables: [defineTable(
      "accounts",
      { id: column("int", { primaryKey: true }), email: column("text", { notNull: identity }) },
      (t) => identity ? [t.index(["email"], { unique: true, name: "accounts_email_idx" })] : [],
      identity ? { replicaIdentity: { index: "accounts_email_idx" } } : {},
    )],
  });
  await converge(database, dir, accounts(false));
  await sql`insert into accounts select g, 'a' || g from generate_series(1, 500) g`.execute(database.db);
  await generateMigration(database, loaded(accounts(true), dir));
  const files = await readMigrations(`${dir}/migrations`);
  const kinds = files.slice(1).map((f) => f.file.operations.map((op) => op.kind).join("+"));
  assert.ok(
    kinds.indexOf("create_index") < kinds.findIndex((k) => k.includes("alter_table")),
    `the identity waits for the build: ${kinds.join(" | ")}`,
  );
  await apply(database, dir);
  assert.deepEqual(await plan(database, loaded(accounts(true), dir)), [], "re-plan is empty");
});

databaseTest("online: false (or --no-online) gives the plain plan, in one migration", async (database, dir) => {
  await converge(database, dir, orders(false));
  await populate(database);
  const ops = await plan(database, loaded(orders(true, false), dir));
  assert.deepEqual(ops.map((op) => op.kind), [
    "alter_column",
    "add_unique",
    "add_check",
    "create_index",
    "add_foreign_key",
  ]);
  await converge(database, dir, orders(true, false));
});

databaseTest(
  "a validation that existing rows break names them and leaves the constraint NOT VALID",
  async (database, dir) => {
    await converge(database, dir, orders(false));
    await populate(database);
    await sql`update orders set total = -1 where id in (3, 7)`.execute(database.db);
    const config = loaded({
      tables: [
        accounts,
        defineTable("orders", {
          id: column("int", { primaryKey: true }),
          account_id: column("int"),
          code: column("text"),
          total: column("int"),
        }, (t) => [t.check("total >= 0", { name: "orders_total_check" })]),
      ],
    }, dir);
    await generateMigration(database, config);
    await assert.rejects(apply(database, dir), (e: Error) => {
      assert.ok(e instanceof KyrageError);
      assert.match(e.message, /VALIDATE CONSTRAINT "orders_total_check"/);
      assert.match(e.message, /rows: 2 rows break it, e\.g\. \(id\)=\(3\), \(id\)=\(7\)/);
      return true;
    });
    const state = await sql<{ valid: boolean }>`
    select convalidated as valid from pg_constraint where conname = 'orders_total_check'`.execute(database.db);
    assert.deepEqual(state.rows, [{ valid: false }], "added, not validated");
    await sql`update orders set total = 0 where total < 0`.execute(database.db);
    await apply(database, dir);
    assert.deepEqual(await plan(database, config), []);
  },
);

databaseTest(
  "hazards: every operation carries its lock; --max-lock refuses what holds too much",
  async (database, dir) => {
    await converge(database, dir, orders(false));
    await populate(database);
    const retyped = loaded({
      tables: [
        accounts,
        defineTable("orders", {
          id: column("int", { primaryKey: true }),
          account_id: column("bigint"),
          code: column("text"),
          total: column("int"),
        }),
      ],
    }, dir);
    await sql`analyze orders`.execute(database.db);
    const ops = await plan(database, retyped);
    const text = renderPlan(ops, await tableSizes(database, ops)).join("\n");
    assert.match(text, /-- LOCK ACCESS EXCLUSIVE on public\.orders \(≈500 rows, \d+ kB\): rewrites table/);
    await assert.rejects(
      generateMigration(database, retyped, { maxLock: "share" }),
      /--max-lock share allows[\s\S]*account_id[\s\S]*ACCESS EXCLUSIVE while it rewrites table/,
    );
    assert.equal((await readMigrations(`${dir}/migrations`)).length, 1, "nothing written");
    // The online plan of an index and a check holds nothing that blocks writes while it works.
    const result = await generateMigration(database, loaded(orders(true), dir), { maxLock: "none" });
    assert.ok(result.paths.length > 0);
  },
);

databaseTest("a hand-written SQL step backfills between two schema steps, all or nothing", async (database, dir) => {
  const t = (notNull: boolean, extra: boolean) => ({
    tables: [
      defineTable("people", {
        id: column("int", { primaryKey: true }),
        name: column("text"),
        ...(extra ? { slug: column("text", { notNull }) } : {}),
      }),
    ],
  });
  await converge(database, dir, t(false, false));
  await sql`insert into people select g, 'P' || g from generate_series(1, 50) g`.execute(database.db);
  await converge(database, dir, t(false, true));
  const step = await writeSqlStep(`${dir}/migrations`);
  await assert.rejects(apply(database, dir), /hand-written SQL step with no SQL yet/);
  const file = JSON.parse(await Deno.readTextFile(step));
  // Fails half-way: the first UPDATE must not stay.
  file.operations[0].sql = "UPDATE people SET slug = lower(name) WHERE id <= 25;\nUPDATE people SET slug = 1/0;";
  await Deno.writeTextFile(step, JSON.stringify(file));
  await assert.rejects(apply(database, dir), /division by zero/);
  const filled = await sql<{ n: number }>`select count(slug)::int as n from people`.execute(database.db);
  assert.equal(filled.rows[0].n, 0, "rolled back whole");
  file.operations[0].sql =
    "UPDATE people SET slug = lower(name) WHERE id <= 25;\nUPDATE people SET slug = lower(name);";
  await Deno.writeTextFile(step, JSON.stringify(file));
  await apply(database, dir);
  await converge(database, dir, t(true, true));
  const nulls = await sql<{ n: number }>`select count(*)::int as n from people where slug is null`.execute(database.db);
  assert.equal(nulls.rows[0].n, 0);
  // The dev database replays the history, hand-written step included, and matches the config.
  assert.deepEqual(await checkHistory(loaded(t(true, true), dir)), []);
});

/**
 * A migration's statements go to the server together; when one fails, the
 * error names exactly that statement with PostgreSQL's DETAIL, and nothing
 * of the migration stays (not even the statements before it).
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { KyrageError } from "../../src/errors.ts";
import { readHistory } from "../../src/migrations/history.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { databaseTest, serverTest } from "../support/backends.ts";
import { openDatabase } from "../../src/dialect/database.ts";
import { exists, migration, table } from "../support/sessions.ts";

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

databaseTest("the failing statement of a many-statement migration is named, with its detail", async (database, dir) => {
  await sql`create table dup (v int)`.execute(database.db);
  await sql`insert into dup values (1), (1)`.execute(database.db);
  await migration(dir, "20250101000000000", [
    ...table("first_step"),
    ...table("second_step"),
    {
      kind: "add_unique",
      schema: "public",
      table: "dup",
      unique: { name: "dup_v_key", columns: ["v"] },
    },
    ...table("never_reached"),
  ]);
  const error = await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY).then(
    () => assert.fail("apply should fail"),
    (e) => e,
  );
  assert.ok(error instanceof KyrageError, String(error));
  assert.match(error.message, /failed and was rolled back/);
  assert.match(error.message, /statement: ALTER TABLE "public"\."dup" ADD CONSTRAINT "dup_v_key" UNIQUE \("v"\)\n/);
  assert.match(error.message, /detail: Key \(v\)=\(1\) is duplicated\./);
  assert.equal(await exists(database, "first_step"), false, "statements before the failing one are rolled back");
  assert.equal(await exists(database, "never_reached"), false);
  assert.deepEqual(await readHistory(database.db), []);
});

databaseTest("a migration's statements take as many round trips for 3 tables as for 60", async (database, dir) => {
  const queries = async (id: string, tables: number): Promise<number> => {
    let count = 0;
    const counting = database.db.withPlugin({
      transformQuery: ({ node }) => node,
      transformResult: ({ result }) => (count++, Promise.resolve(result)),
    });
    await migration(dir, id, Array.from({ length: tables }, (_, i) => table(`t${id}_${i}`)).flat());
    const { applied } = await applyMigrations(counting, await readMigrations(`${dir}/migrations`), APPLY);
    assert.equal(applied.length, 1);
    return count;
  };
  const few = await queries("20250101000000000", 3);
  const many = await queries("20250102000000000", 60);
  assert.equal(many, few, `60 tables took ${many} queries, 3 tables ${few}`);
  assert.equal(await exists(database, "t20250102000000000_59"), true);
});

serverTest(
  "a session that may not create temporary objects still applies all or nothing",
  async (admin, dir, target) => {
    const role = `kyrage_notemp_${crypto.randomUUID().slice(0, 8)}`;
    const url = new URL(target.databaseUrl!);
    await sql`create role ${sql.id(role)} login`.execute(admin.db);
    await sql`revoke temporary on database ${sql.id(url.pathname.slice(1))} from public`.execute(admin.db);
    await sql`grant create on schema public to ${sql.id(role)}`.execute(admin.db);
    url.username = role;
    const database = await openDatabase({ dialect: "postgres", connectionString: url.toString() });
    try {
      await assert.rejects(sql`create temp table t (id int)`.execute(database.db), /permission denied/);
      await migration(dir, "20250101000000000", [...table("kept_out"), ...table("kept_out")]);
      const error = await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY)
        .then(() => assert.fail("apply should fail"), (e) => e);
      assert.ok(error instanceof KyrageError, String(error));
      assert.match(
        error.message,
        /statement: one of the migration's \d+ statements \(PostgreSQL did not say which\)/,
      );
      assert.match(error.message, /relation "kept_out" already exists/);
      assert.equal(await exists(database, "kept_out"), false);
      assert.deepEqual(await readHistory(database.db), []);
      // A syntax error has a position: it is named all the same.
      await Deno.remove(`${dir}/migrations`, { recursive: true });
      await migration(dir, "20250102000000000", [
        ...table("fine"),
        { kind: "add_check", schema: "public", table: "fine", check: { name: "bad", expression: "id >" } },
      ]);
      const syntax = await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY)
        .then(() => assert.fail("apply should fail"), (e) => e);
      assert.match(syntax.message, /statement: ALTER TABLE "public"\."fine" ADD CONSTRAINT "bad" CHECK \(id >\)/);
      assert.equal(await exists(database, "fine"), false);
    } finally {
      await database.close();
    }
  },
);

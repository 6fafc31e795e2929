/**
 * A declared extension that is already installed in a schema kyrage does not
 * own (issue 16), with a column of a managed table using its type: the plan
 * moves it where the config says, keeps the rows, and re-plans empty.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, type Config, defineExtension, defineTable } from "../../src/config/dsl.ts";
import { openDatabase } from "../../src/dialect/database.ts";
import { backendTest } from "../support/backends.ts";
import { converge } from "../support/pipeline.ts";

backendTest("a declared extension installed in another schema is moved, with the rows kept", async (target) => {
  const dir = await Deno.makeTempDir();
  const database = await openDatabase(
    target.target.dialect === "pglite" ? { ...target.target, extensions: ["citext"] } : target.target,
  );
  try {
    await sql`create schema elsewhere`.execute(database.db);
    await sql`create extension citext schema elsewhere`.execute(database.db);
    await sql`create table users (id int primary key, email elsewhere.citext not null)`.execute(database.db);
    await sql`insert into users values (1, 'Ann@X')`.execute(database.db);
    const config: Config = {
      extensions: [defineExtension("citext")],
      tables: [
        defineTable("users", { id: column("int", { primaryKey: true }), email: column("citext", { notNull: true }) }),
      ],
    };
    await converge(database, dir, config);
    const rows = await sql<{ s: string; n: number }>`
      select (select extnamespace::regnamespace::text from pg_extension where extname = 'citext') as s,
             (select count(*)::int from users where email = 'ann@x') as n`.execute(database.db);
    assert.deepEqual(rows.rows[0], { s: "public", n: 1 });
  } finally {
    await database.close();
    await Deno.remove(dir, { recursive: true });
  }
});

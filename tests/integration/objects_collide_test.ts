/**
 * Objects whose schema and name hold dots (issue 16): identities never
 * collide when joined with a dot, and the dependencies read from the catalog
 * spell them as the config does, so readers are rebuilt around a change.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, type Config, defineTable, defineView } from "../../src/config/dsl.ts";
import { databaseTest } from "../support/backends.ts";
import { converge } from "../support/pipeline.ts";

databaseTest("two views whose schema and name join to the same dotted spelling", async (database, dir) => {
  const config: Config = {
    schemas: ["a", "a.b"],
    tables: [],
    views: [defineView('"a.b".c', "select 1 as x"), defineView('a."b.c"', "select 2 as y")],
  };
  await converge(database, dir, config);
});

databaseTest("views over a dotted table are rebuilt around its column's new type", async (database, dir) => {
  const config = (type: string): Config => ({
    schemas: ["public", "a.b"],
    tables: [defineTable('"a.b"."t.1"', { id: column("int", { primaryKey: true }), v: column(type) })],
    views: [
      defineView('"a.b"."v.1"', 'select id, v from "a.b"."t.1"'),
      defineView('"w.2"', 'select v from "a.b"."v.1"'),
    ],
  });
  await converge(database, dir, config("int"));
  await sql`insert into ${sql.id("a.b", "t.1")} values (1, 2)`.execute(database.db);
  await converge(database, dir, config("bigint"));
  const rows = await sql<{ v: string }>`select v::text from ${sql.id("w.2")}`.execute(database.db);
  assert.deepEqual(rows.rows, [{ v: "2" }]);
});

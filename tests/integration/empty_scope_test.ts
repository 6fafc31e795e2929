/**
 * Introspection of schemas that hold nothing kyrage reads takes one query
 * (introspect/empty.ts). It must give exactly what every catalog query gives,
 * and any one object kyrage reads in a covered schema must turn it off.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { introspect, introspectCatalogs } from "../../src/dialect/postgres/introspect.ts";
import { scopeIsEmpty } from "../../src/dialect/postgres/introspect/empty.ts";
import { scopeOf } from "../../src/dialect/postgres/introspect/scope.ts";
import { unsupportedObjects } from "../../src/pull/unsupported.ts";
import { openDatabase } from "../../src/dialect/database.ts";
import type { Database } from "../../src/dialect/types.ts";
import { backendTest } from "../support/backends.ts";

const SCOPE = { schemas: ["public", "app", "missing"], extensions: ["pgcrypto", "citext"] };

/** A test on each backend, PGlite with its bundles of the extensions used here. */
function databaseTest(name: string, fn: (database: Database) => Promise<void>): void {
  backendTest(name, async (target) => {
    const extensions = [...SCOPE.extensions];
    const database = await openDatabase(
      target.target.dialect === "pglite" ? { ...target.target, extensions } : target.target,
    );
    try {
      await fn(database);
    } finally {
      await database.close();
    }
  });
}

databaseTest("an empty scope reads as every catalog query reads it, objects outside it ignored", async (database) => {
  const db = database.db;
  await sql`create schema app`.execute(db);
  // Outside the covered schemas: not read.
  await sql`create schema other`.execute(db);
  await sql`create table other.t (id int primary key, v int check (v > 0))`.execute(db);
  await sql`create function other.f() returns int language sql as 'select 1'`.execute(db);
  await sql`create type other.mood as enum ('a')`.execute(db);
  // Declared and installed outside the covered schemas: still reported.
  await sql`create extension citext schema other`.execute(db);
  assert.equal(await scopeIsEmpty(db, scopeOf(SCOPE.schemas, SCOPE.extensions)), true);
  const fast = await introspect(db, SCOPE);
  assert.deepEqual(fast, await introspectCatalogs(db, SCOPE));
  assert.deepEqual(fast.schemas, ["app", "public"]);
  assert.deepEqual(fast.objects.map((o) => `${o.kind}:${o.schema}.${o.name}`), ["extension:other.citext"]);
  assert.deepEqual(await unsupportedObjects(db, SCOPE.schemas), []);
});

const ONE_OBJECT: Record<string, string[]> = {
  "a table": ["create table app.t (id int)"],
  "a view": ["create view app.v as select 1 as one"],
  "a sequence": ["create sequence app.s"],
  "a function": ["create function app.f() returns int language sql as 'select 1'"],
  "a procedure": ["create procedure app.p() language sql as 'select 1'"],
  "an aggregate": ["create aggregate app.total(int) (sfunc = int4pl, stype = int)"],
  "an enum": ["create type app.mood as enum ('a')"],
  "a composite type": ["create type app.pair as (a int, b int)"],
  "a range type": ["create type app.span as range (subtype = int4)"],
  "a domain": ["create domain app.positive as int check (value > 0)"],
  "statistics on a table elsewhere": [
    "create table other.t (a int, b int)",
    "create statistics app.st on a, b from other.t",
  ],
  "an extension installed in the schema": ["create extension pgcrypto schema app"],
};

for (const [what, statements] of Object.entries(ONE_OBJECT)) {
  databaseTest(`${what} in a covered schema is read by every catalog query`, async (database) => {
    const db = database.db;
    await sql`create schema app`.execute(db);
    await sql`create schema other`.execute(db);
    for (const statement of statements) await sql.raw(statement).execute(db);
    assert.equal(await scopeIsEmpty(db, scopeOf(SCOPE.schemas, SCOPE.extensions)), false);
    assert.deepEqual(await introspect(db, SCOPE), await introspectCatalogs(db, SCOPE));
  });
}

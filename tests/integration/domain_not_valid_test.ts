/**
 * A domain check NOT VALID (values stored before it were never checked): `checks: [{ expression, notValid: true }]`
 * keeps one as it is and adds a new one without checking stored values, as `t.check(..., { notValid })` does for a
 * table; without `notValid`, a NOT VALID check the database holds is validated in place (`VALIDATE CONSTRAINT`),
 * never dropped and added again. Nothing about it is listed NOT MANAGED any more, and pull gives it back.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, type Config, defineDomain, defineTable } from "../../src/config/dsl.ts";
import { compileOperation } from "../../src/dialect/postgres/compile.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { unsupportedObjects } from "../../src/pull/unsupported.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";

const config = (checks: { name?: string; expression: string; notValid?: boolean }[]): Config => ({
  domains: [defineDomain("email", { type: "text", checks })],
  tables: [defineTable("users", { id: column("int", { primaryKey: true }), address: column("email") })],
});

/** The check named email_check made NOT VALID by hand, over a stored value that breaks it when `bad`. */
async function madeNotValid(d: { db: import("kysely").Kysely<unknown> }, bad: boolean): Promise<void> {
  for (
    const statement of [
      "alter domain email drop constraint email_check",
      `insert into users values (1, 'a@b')${bad ? ", (2, 'nope')" : ""}`,
      "alter domain email add constraint email_check check (value like '%@%') not valid",
    ]
  ) await sql.raw(statement).execute(d.db);
}

const statements = (ops: readonly import("../../src/diff/operations.ts").Operation[]) =>
  ops.flatMap((op) => compileOperation(op));

databaseTest("a NOT VALID domain check the config wants valid is validated in place", async (d, dir) => {
  await converge(d, dir, config([{ expression: "VALUE like '%@%'" }]));
  await madeNotValid(d, false);
  assert.deepEqual(await unsupportedObjects(d.db, ["public"]), [], "nothing NOT MANAGED");
  const ops = await plan(d, loaded(config([{ expression: "VALUE like '%@%'" }]), dir));
  assert.deepEqual(statements(ops), [`ALTER DOMAIN "public"."email" VALIDATE CONSTRAINT "email_check"`]);
  await converge(d, dir, config([{ expression: "VALUE like '%@%'" }]));
  const { rows } = await sql<{ valid: boolean }>`
    select convalidated as valid from pg_constraint where conname = 'email_check'`.execute(d.db);
  assert.deepEqual(rows, [{ valid: true }]);
});

databaseTest("notValid: true keeps a NOT VALID domain check as it is, and pull gives it back", async (d, dir) => {
  await converge(d, dir, config([{ expression: "VALUE like '%@%'" }]));
  await madeNotValid(d, true);
  const kept = config([{ expression: "VALUE like '%@%'", notValid: true }]);
  assert.deepEqual(await plan(d, loaded(kept, dir)), [], "no change: the stored 'nope' stays");
  const pulled = await pullDatabase(d, ["public"]);
  assert.match(pulled.source, /notValid: true/, pulled.source);
  assert.deepEqual(pulled.unsupported, []);
  const { rows } = await sql<{ valid: boolean }>`
    select convalidated as valid from pg_constraint where conname = 'email_check'`.execute(d.db);
  assert.deepEqual(rows, [{ valid: false }]);
});

databaseTest("a new domain check with notValid: true is added NOT VALID over stored values", async (d, dir) => {
  await converge(d, dir, config([]));
  await sql`insert into users values (1, 'nope')`.execute(d.db);
  const ops = await converge(d, dir, config([{ name: "has_at", expression: "VALUE like '%@%'", notValid: true }]));
  assert.deepEqual(statements(ops), [
    `ALTER DOMAIN "public"."email" ADD CONSTRAINT "has_at" CHECK ((VALUE ~~ '%@%'::text)) NOT VALID`,
  ]);
  // A domain created with it has no stored value to skip: it is created valid, which notValid: true accepts.
  await sql`drop table users`.execute(d.db);
  await sql`drop domain email`.execute(d.db);
  await converge(d, dir, config([{ name: "has_at", expression: "VALUE like '%@%'", notValid: true }]));
});

/**
 * Hostile names and shapes for the objects beyond tables (issue 16): quotes,
 * dots, spaces, unicode, reserved words, `$$` in bodies and 63-byte names in
 * every kind, in a schema other than public; each converges and re-plans empty.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  column,
  type Config,
  defineDomain,
  defineFunction,
  defineMaterializedView,
  definePolicy,
  defineSequence,
  defineTable,
  defineTrigger,
  defineView,
} from "../../src/config/dsl.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";

const S = '"we.ird ""s"""';
const long = "ü".repeat(31) + "x"; // 63 bytes
const table = defineTable(
  `${S}."select"`,
  {
    "Id": column("int", { primaryKey: true }),
    "the value": column(`${S}."dömain ""q"""`),
    "order": column("int", { defaultSql: `${S}."fn.$$"()` }),
  },
  undefined,
  { rowLevelSecurity: true },
);
const domain = defineDomain(`${S}."dömain ""q"""`, {
  type: "text",
  checks: [{ name: "ch eck", expression: "VALUE <> 'x$$y'" }],
});
const fn = defineFunction(`${S}."fn.$$"`, {
  returns: "int",
  language: "plpgsql",
  body: "begin return length('$$' || $q$ a $q$); end",
});
const trig = defineFunction(`${S}."trig fn"`, {
  returns: "trigger",
  language: "plpgsql",
  body: 'begin new."order" := coalesce(new."order", 0); return new; end',
});
const config = (): Config => ({
  schemas: ["public", 'we.ird "s"'],
  domains: [domain],
  tables: [table],
  functions: [fn, trig],
  triggers: [
    defineTrigger('tr "1".x', {
      table,
      timing: "before",
      events: ["insert", { update: ["the value", "order"] }],
      forEach: "row",
      function: trig,
    }),
  ],
  policies: [definePolicy(`"p.ol ""1"""`, { table, using: `"order" < ${S}."fn.$$"()` })],
  sequences: [defineSequence(`${S}."${long}"`, { start: 5 })],
  views: [
    defineView(`${S}."v.1 ""x"""`, `select "Id", "the value" from ${S}."select"`),
    defineView(`${S}."v.2"`, `select "Id" from ${S}."v.1 ""x"""`),
    defineMaterializedView(`${S}."m ""v"""`, `select "Id" from ${S}."v.2"`, (m) => [m.index(["Id"])]),
  ],
});

databaseTest("hostile identifiers in every object kind converge and re-plan empty", async (database, dir) => {
  await converge(database, dir, config());
  await sql`insert into ${sql.id('we.ird "s"', "select")} ("Id", "the value") values (1, 'a')`.execute(database.db);
  const rows = await sql<{ n: number }>`select count(*)::int as n from ${sql.id('we.ird "s"', 'm "v"')}`.execute(
    database.db,
  );
  assert.equal(rows.rows[0].n, 0, "materialized view built before the insert");
  assert.deepEqual(await plan(database, loaded(config(), dir)), []);
});

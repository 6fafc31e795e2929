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

databaseTest("formatting and case in every kind's expressions never make a change", async (database, dir) => {
  const t = defineTable(
    "app.t",
    {
      id: column("int", { primaryKey: true }),
      n: column("int"),
    },
    undefined,
    { rowLevelSecurity: true },
  );
  const fn = defineFunction("app.bump", {
    returns: "trigger",
    language: "plpgsql",
    body: "begin new.n := new.n + 1; return new; end",
  });
  const add = (body: string) =>
    defineFunction("app.add", { args: [{ name: "a", type: "int" }], returns: "int", language: "sql", body });
  const config = (f: (x: string, y: string) => string): Config => ({
    schemas: ["public", "app"],
    tables: [t],
    domains: [
      defineDomain("app.pos", { type: "int", checks: [{ name: "pos", expression: f("VALUE > 0", "value>0") }] }),
    ],
    functions: [fn, add(f("return a + 1", "RETURN (a+1)"))],
    triggers: [
      defineTrigger("bump", {
        table: t,
        timing: "before",
        events: ["update"],
        forEach: "row",
        when: f("OLD.n IS DISTINCT FROM NEW.n", "old.N is distinct from new.N"),
        function: fn,
      }),
    ],
    policies: [
      definePolicy("p", {
        table: t,
        command: "update",
        using: f("n > 0 AND id < 10", "(n>0) and (ID<10)"),
        withCheck: f("n < app.add(5)", "N < APP.ADD(5)"),
      }),
    ],
    views: [defineView("app.v", f("select id, n from app.t where n > 0", "SELECT ID,N FROM APP.T WHERE (N>0)"))],
  });
  await converge(database, dir, config((x) => x));
  assert.deepEqual(await plan(database, loaded(config((_, y) => y), dir)), []);
});

databaseTest("a body ending the way kyrage's dollar quote begins is kept whole", async (database, dir) => {
  const config: Config = {
    tables: [],
    functions: [defineFunction("one", { returns: "int", language: "sql", body: "select 1 -- $kyrage" })],
  };
  await converge(database, dir, config);
  const one = await sql<{ n: number }>`select one() as n`.execute(database.db);
  assert.equal(one.rows[0].n, 1);
});

/**
 * Hostile plans over objects beyond tables (issue 16): signature changes
 * under defaults, checks and policies, a renamed table under its views,
 * triggers and policies, a dropped column with its view, a sequence owned
 * by a dropped column, WITH NO DATA, a trigger on a partitioned table;
 * every plan is stable and re-plans empty, and rows stay.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  column,
  type Config,
  defineFunction,
  defineMaterializedView,
  definePartition,
  definePolicy,
  defineSequence,
  defineTable,
  defineTrigger,
  defineView,
  type FunctionArgument,
} from "../../src/config/dsl.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";

const count = async (database: { db: import("kysely").Kysely<unknown> }, table: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(database.db)).rows[0].n;

const limit = (args: FunctionArgument[]) =>
  defineFunction("app.lim", { args, returns: "int", language: "sql", volatility: "immutable", body: "select 100" });

databaseTest("a function's signature changes under a view while a new default calls it", async (database, dir) => {
  // The live overload lim(integer) and the wanted lim(integer, integer) would make app.lim(1) ambiguous.
  const config = (args: FunctionArgument[], withN: boolean): Config => ({
    schemas: ["public", "app"],
    functions: [limit(args)],
    tables: [
      defineTable("app.t", {
        id: column("int", { primaryKey: true }),
        ...(withN ? { n: column("int", { defaultSql: "app.lim(1)" }) } : {}),
      }, (t) => withN ? [t.check("n <= app.lim(1)")] : []),
    ],
    views: [defineView("app.v", "select id, app.lim(id) as l from app.t")],
  });
  await converge(database, dir, config([{ name: "x", type: "int" }], false));
  await sql`insert into app.t (id) values (1), (2)`.execute(database.db);
  const next = config([{ name: "x", type: "int" }, { name: "y", type: "int", default: "0" }], true);
  const first = await plan(database, loaded(next, dir));
  assert.deepEqual(await plan(database, loaded(next, dir)), first, "plan twice: identical");
  await converge(database, dir, next);
  assert.equal(await count(database, "app.t"), 2);
});

databaseTest("a renamed table keeps its views, triggers and policies", async (database, dir) => {
  const touch = defineFunction("touch", {
    returns: "trigger",
    language: "plpgsql",
    body: "begin new.n := coalesce(new.n, 0) + 1; return new; end",
  });
  const config = (name: string, renamedFrom?: string): Config => {
    const t = defineTable(name, { id: column("int", { primaryKey: true }), n: column("int") }, undefined, {
      rowLevelSecurity: true,
      ...(renamedFrom ? { renamedFrom } : {}),
    });
    return {
      tables: [t],
      functions: [touch],
      views: [defineView("v", `select id, n from "${name}"`)],
      triggers: [
        defineTrigger("tr", { table: t, timing: "before", events: ["insert"], forEach: "row", function: touch }),
      ],
      policies: [definePolicy("p", { table: t, using: "n > 0" })],
    };
  };
  await converge(database, dir, config("old"));
  await sql`insert into old (id) values (1), (2)`.execute(database.db);
  await converge(database, dir, config("New Name", "old"));
  assert.equal(await count(database, "New Name"), 2, "rows kept");
  assert.equal(await count(database, "v"), 2);
});

databaseTest("a dropped column goes with the view that reads it", async (database, dir) => {
  const config = (withB: boolean): Config => ({
    tables: [defineTable("t", { id: column("int", { primaryKey: true }), ...(withB ? { b: column("int") } : {}) })],
    views: withB ? [defineView("v", "select id, b from t"), defineView("w", "select b from v")] : [],
  });
  await converge(database, dir, config(true));
  await sql`insert into t values (1, 2)`.execute(database.db);
  await converge(database, dir, config(false));
  assert.equal(await count(database, "t"), 1);
});

databaseTest("a sequence owned by a dropped column", async (database, dir) => {
  const config = (withS: boolean): Config => ({
    tables: [defineTable("t", { id: column("int", { primaryKey: true }), ...(withS ? { s: column("bigint") } : {}) })],
    sequences: withS ? [defineSequence("t_s_seq", { ownedBy: "t.s", start: 10 })] : [],
  });
  await converge(database, dir, config(true));
  await sql`insert into t values (1, 2)`.execute(database.db);
  await converge(database, dir, config(false));
  assert.equal(await count(database, "t"), 1);
});

databaseTest("a materialized view WITH NO DATA, then with data", async (database, dir) => {
  const config = (withData: boolean): Config => ({
    tables: [defineTable("t", { id: column("int", { primaryKey: true }) })],
    views: [defineMaterializedView("m", "select id from t", undefined, { withData })],
  });
  await converge(database, dir, config(false));
  const populated = await sql<{ p: boolean }>`select ispopulated as p from pg_matviews where matviewname = 'm'`
    .execute(database.db);
  assert.equal(populated.rows[0].p, false);
  await converge(database, dir, config(true));
});

databaseTest("a trigger on a partitioned table, and a partition added later", async (database, dir) => {
  const fn = defineFunction("stamp", {
    returns: "trigger",
    language: "plpgsql",
    body: "begin new.v := 'x'; return new; end",
  });
  const parent = defineTable("p", { k: column("int", { notNull: true }), v: column("text") }, undefined, {
    partitionBy: { strategy: "range", keys: ["k"] },
  });
  const config = (parts: number): Config => ({
    tables: [
      parent,
      ...Array.from(
        { length: parts },
        (_, i) => definePartition(`p${i}`, parent, { from: [i * 10], to: [i * 10 + 10] }),
      ),
    ],
    functions: [fn],
    triggers: [
      defineTrigger("stamp_it", { table: parent, timing: "before", events: ["insert"], forEach: "row", function: fn }),
    ],
  });
  await converge(database, dir, config(1));
  await converge(database, dir, config(2));
  await sql`insert into p (k) values (15)`.execute(database.db);
  const v = await sql<{ v: string }>`select v from p1`.execute(database.db);
  assert.equal(v.rows[0].v, "x");
});

databaseTest(
  "a function a kept default, check and policy call changes signature: each is rebuilt around it, rows kept",
  async (database, dir) => {
    const config = (args: FunctionArgument[]): Config => {
      const t = defineTable(
        "app.t",
        {
          id: column("int", { primaryKey: true }),
          n: column("int", { defaultSql: "app.lim(1)" }),
        },
        (t) => [t.check("n <= app.lim(1)")],
        { rowLevelSecurity: true },
      );
      return {
        schemas: ["public", "app"],
        functions: [limit(args)],
        tables: [t],
        policies: [definePolicy("app_p", { table: t, using: "n < app.lim(2)" })],
      };
    };
    await converge(database, dir, config([{ name: "x", type: "int" }]));
    await sql`insert into app.t (id) values (1), (2)`.execute(database.db);
    await converge(database, dir, config([{ name: "x", type: "int" }, { name: "y", type: "int", default: "0" }]));
    assert.equal(await count(database, "app.t"), 2);
    await assert.rejects(sql`insert into app.t (id, n) values (3, 101)`.execute(database.db), /t_n_check/);
  },
);

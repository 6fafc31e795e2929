/**
 * A function whose signature changes (dropped and created anew) while
 * defaults, checks and indexes the config keeps call it (issue 16): the plan
 * takes them off before the old function goes and puts them back once the
 * new one exists, in one migration per online step; rows are kept, the
 * constraints hold again, and the re-plan is empty.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, type Config, defineFunction, defineTable, type FunctionArgument } from "../../src/config/dsl.ts";
import type { Database } from "../../src/dialect/database.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";

const score = (args: FunctionArgument[], body: string) =>
  defineFunction("app.score", { args, returns: "int", language: "sql", volatility: "immutable", body });

const config = (args: FunctionArgument[], body: string, online: boolean): Config => ({
  schemas: ["public", "app"],
  online,
  functions: [score(args, body)],
  tables: [
    defineTable("app.t", {
      id: column("int", { primaryKey: true }),
      n: column("int", { defaultSql: "app.score(1)" }),
      label: column("text"),
    }, (t) => [
      t.check("app.score(n) < 1000", { name: "t_score_small" }),
      t.index([{ expression: "app.score(n)" }], { name: "t_score_idx" }),
      t.index(["label"], { name: "t_label_partial", where: "app.score(n) > 0" }),
    ]),
  ],
});

const one = [{ name: "x", type: "int" }];
const two = [{ name: "x", type: "int" }, { name: "y", type: "int", default: "0" }];

async function rows(database: Database): Promise<string> {
  const result = await sql<{ r: string }>`select string_agg(id || ':' || n, ',' order by id) as r from app.t`
    .execute(database.db);
  return result.rows[0].r;
}

for (const online of [true, false]) {
  databaseTest(
    `a signature change rebuilds the kept default, check and indexes calling the function (${
      online ? "online" : "plain"
    })`,
    async (database, dir) => {
      await converge(database, dir, config(one, "select x * 2", online));
      await sql`insert into app.t (id, label) values (1, 'a'), (2, 'b')`.execute(database.db);
      await sql`insert into app.t (id, n, label) values (3, 7, 'c')`.execute(database.db);
      const before = await rows(database);

      const next = config(two, "select x * 2 + y", online);
      const ops = await plan(database, loaded(next, dir));
      const at = (label: string) => ops.findIndex((op) => describe(op) === label);
      const dropFunction = at("drop_object score");
      const createFunction = at("create_object score");
      assert.ok(dropFunction >= 0 && createFunction >= 0, ops.map(describe).join(", "));
      for (const label of ["drop_default n", "drop_check t_score_small", "drop_index t_score_idx"]) {
        assert.ok(
          at(label) >= 0 && at(label) < dropFunction,
          `${label} before the function goes: ${ops.map(describe)}`,
        );
      }
      for (const label of ["alter_column n", "add_check t_score_small", "create_index t_score_idx"]) {
        assert.ok(at(label) > createFunction, `${label} after the new function exists: ${ops.map(describe)}`);
      }
      await converge(database, dir, next);

      assert.equal(await rows(database), before, "rows kept");
      await sql`insert into app.t (id, label) values (4, 'd')`.execute(database.db);
      const [fresh] = (await sql<{ n: number }>`select n from app.t where id = 4`.execute(database.db)).rows;
      assert.equal(fresh.n, 2, "the default calls the new function");
      await assert.rejects(
        sql`insert into app.t (id, n, label) values (5, 600, 'e')`.execute(database.db),
        /t_score_small/,
        "the check holds again",
      );
      const indexes = await sql<{ name: string; valid: boolean }>`
        select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
        where i.indrelid = 'app.t'::regclass and c.relname like 't_score%' or c.relname = 't_label_partial'
        order by 1`.execute(database.db);
      assert.deepEqual(indexes.rows, [
        { name: "t_label_partial", valid: true },
        { name: "t_score_idx", valid: true },
      ]);
    },
  );
}

databaseTest(
  "a generated column calling a function whose signature changes is rebuilt, its values computed anew",
  async (database, dir) => {
    const generated = (args: FunctionArgument[], body: string): Config => ({
      schemas: ["public", "app"],
      functions: [score(args, body)],
      tables: [
        defineTable("app.g", {
          id: column("int", { primaryKey: true }),
          n: column("int"),
          doubled: column("int", { generatedAs: "app.score(n)" }),
        }, (t) => [t.index(["doubled"], { name: "g_doubled_idx" }), t.check("doubled < 1000", { name: "g_small" })]),
      ],
    });
    await converge(database, dir, generated(one, "select x * 2"));
    await sql`insert into app.g (id, n) values (1, 5), (2, 7)`.execute(database.db);
    const ops = await converge(database, dir, generated(two, "select x * 3 + y"));
    assert.ok(!ops.some((op) => op.kind === "drop_column" && op.column.generated === undefined), "no values lost");
    const rows = await sql<{ id: number; doubled: number }>`select id, doubled from app.g order by id`
      .execute(database.db);
    assert.deepEqual(rows.rows, [{ id: 1, doubled: 15 }, { id: 2, doubled: 21 }]);
    const index = await sql<{ n: number }>`select count(*)::int as n from pg_indexes where indexname = 'g_doubled_idx'`
      .execute(database.db);
    assert.equal(index.rows[0].n, 1, "the index on the rebuilt column is there again");
    await assert.rejects(sql`insert into app.g (id, n) values (3, 400)`.execute(database.db), /g_small/);
  },
);

databaseTest(
  "the table and column renamed in the same change as the signature: callers follow the new names",
  async (database, dir) => {
    await converge(database, dir, config(one, "select x * 2", true));
    await sql`insert into app.t (id, label) values (1, 'a')`.execute(database.db);
    const renamed: Config = {
      schemas: ["public", "app"],
      online: true,
      functions: [score(two, "select x * 2 + y")],
      tables: [
        defineTable("app.t2", {
          id: column("int", { primaryKey: true }),
          m: column("int", { defaultSql: "app.score(1)", renamedFrom: "n" }),
          label: column("text"),
        }, (t) => [
          t.check("app.score(m) < 1000", { name: "t_score_small" }),
          t.index([{ expression: "app.score(m)" }], { name: "t_score_idx" }),
          t.index(["label"], { name: "t_label_partial", where: "app.score(m) > 0" }),
        ], { renamedFrom: "t" }),
      ],
    };
    await converge(database, dir, renamed);
    const [row] = (await sql<{ m: number }>`select m from app.t2 where id = 1`.execute(database.db)).rows;
    assert.equal(row.m, 2, "row kept under the new names");
    await sql`insert into app.t2 (id, label) values (2, 'b')`.execute(database.db);
    await assert.rejects(
      sql`insert into app.t2 (id, m, label) values (3, 600, 'c')`.execute(database.db),
      /t_score_small/,
    );
  },
);

databaseTest(
  "an exclusion constraint (not managed) calling a function with a new signature: refused",
  async (database, dir) => {
    await converge(database, dir, config(one, "select x * 2", false));
    await sql`alter table app.t add constraint t_ex exclude using btree (app.score(id) with =)`.execute(database.db);
    await assert.rejects(
      generateMigration(database, loaded(config(two, "select x * 2 + y", false), dir), { allowDestructive: true }),
      (e: Error) => e instanceof KyrageError && /index t_ex on app\.t depends on function app\.score/.test(e.message),
    );
  },
);

databaseTest(
  "a check calls a function whose SQL-standard body reads another table: made in order; a new signature is refused",
  async (database, dir) => {
    // A SQL-standard body reads app.codes: the function is dropped and created around the table changes.
    const known = (args: FunctionArgument[]) =>
      defineFunction("app.known", {
        args,
        returns: "boolean",
        language: "sql",
        volatility: "stable",
        body: "begin atomic select exists (select 1 from app.codes where code = c); end",
      });
    const reading = (args: FunctionArgument[]): Config => ({
      schemas: ["public", "app"],
      functions: [known(args)],
      tables: [
        defineTable("app.codes", { code: column("text", { primaryKey: true }) }),
        defineTable("app.orders", { id: column("int", { primaryKey: true }), code: column("text") }, (t) => [
          t.check("app.known(code)", { name: "orders_code_known" }),
        ]),
      ],
    });
    await converge(database, dir, reading([{ name: "c", type: "text" }]));
    await assert.rejects(
      generateMigration(
        database,
        loaded(reading([{ name: "c", type: "text" }, { name: "strict_case", type: "boolean", default: "true" }]), dir),
        { allowDestructive: true },
      ),
      (e: Error) =>
        e instanceof KyrageError && /constraint orders_code_known on app\.orders depends on function app\.known/.test(
          e.message,
        ),
    );
  },
);

function describe(op: import("../../src/diff/operations.ts").Operation): string {
  switch (op.kind) {
    case "create_object":
    case "drop_object":
      return `${op.kind} ${op.object.name}`;
    case "drop_default":
    case "alter_column":
      return `${op.kind} ${op.column}`;
    case "drop_check":
    case "add_check":
      return `${op.kind} ${op.check.name}`;
    case "drop_index":
    case "create_index":
      return `${op.kind} ${op.index.name}`;
    default:
      return op.kind;
  }
}

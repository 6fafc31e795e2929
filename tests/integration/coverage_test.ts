/**
 * The PostgreSQL coverage: examples/full (enums, checks, rich indexes,
 * identity and generated columns, defaults, comments, schemas, deferrable
 * and cross-schema foreign keys) converges on both backends, and each change
 * kind converges too.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import type { Operation } from "../../src/diff/operations.ts";
import { column, type Config, defineEnum, defineTable } from "../../src/mod.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";
import { accounts, invoices, users } from "../../examples/full/schema.ts";

const kinds = (ops: readonly Operation[]) => ops.map((op) => op.kind);

databaseTest("examples/full generates, applies and re-plans empty", async (database, dir) => {
  const ops = await converge(database, dir, { tables: [accounts, invoices, users] });
  assert.ok(kinds(ops).includes("create_enum") && kinds(ops).includes("create_schema"));
  const files = await readMigrations(`${dir}/migrations`);
  assert.equal(files.length, 2, "the concurrent index build is a migration of its own");
  assert.deepEqual(files[1].file.operations.map((op) => op.kind), ["create_index"]);
  await sql`insert into billing.accounts (name, code) values ('a', 'A')`.execute(database.db);
  await sql`insert into billing.invoices (account_id, net, tax) values (1, 10, 2)`.execute(database.db);
  const row = await sql<{ total: string }>`select total::text from billing.invoices`.execute(database.db);
  assert.equal(row.rows[0].total, "12.00", "generated column works");
  await assert.rejects(sql`insert into billing.invoices (account_id, net) values (1, -1)`.execute(database.db));
});

databaseTest("enums: create, add values in place, remove (rebuilt), drop", async (database, dir) => {
  const t = (values: string[] | undefined) => ({
    tables: [
      defineTable("people", {
        id: column("int"),
        ...(values ? { mood: column(defineEnum("mood", values), { defaultSql: `'${values[0]}'` }) } : {}),
      }),
    ],
  });
  await converge(database, dir, t(["sad", "ok"]));
  await sql`insert into people (id, mood) values (1, 'ok'), (2, 'sad')`.execute(database.db);
  assert.deepEqual(kinds(await converge(database, dir, t(["sad", "meh", "ok", "happy"]))), [
    "add_enum_value",
    "add_enum_value",
  ]);
  const rebuilt = await converge(database, dir, t(["sad", "ok", "happy"]));
  assert.deepEqual(kinds(rebuilt), ["recreate_enum"]);
  const moods = await sql<{ mood: string }>`select mood::text from people order by id`.execute(database.db);
  assert.deepEqual(moods.rows.map((r) => r.mood), ["ok", "sad"], "values survive the rebuild");
  assert.deepEqual(kinds(await converge(database, dir, t(undefined))), ["drop_column", "drop_enum"]);
});

databaseTest(
  "enums: a new label can be used in the same change (added in a migration of its own)",
  async (database, dir) => {
    const t = (values: string[], fallback: string) => ({
      tables: [defineTable("people", { mood: column(defineEnum("mood", values), { defaultSql: `'${fallback}'` }) })],
    });
    await converge(database, dir, t(["sad", "ok"], "ok"));
    await converge(database, dir, t(["sad", "meh", "ok"], "meh"));
    const files = await readMigrations(`${dir}/migrations`);
    assert.deepEqual(files.slice(1).map((f) => f.file.operations.map((op) => op.kind)), [["add_enum_value"], [
      "alter_column",
    ]]);
  },
);

databaseTest("checks: add, change, drop; spelling differences re-plan empty", async (database, dir) => {
  const t = (checks: string[]) => ({
    tables: [
      defineTable("p", { price: column("numeric(10,2)"), qty: column("int") }, (b) => checks.map((c) => b.check(c))),
    ],
  });
  await converge(database, dir, t(["price > 0"]));
  assert.deepEqual(await plan(database, loaded(t(["(PRICE>0)"]), dir)), [], "same check, other spelling");
  // Online: added NOT VALID, then validated in a transaction of their own.
  assert.deepEqual(kinds(await converge(database, dir, t(["price >= 1", "qty between 1 and 10"]))), [
    "drop_check",
    "add_check",
    "add_check",
    "validate_constraint",
    "validate_constraint",
  ]);
  assert.deepEqual(kinds(await converge(database, dir, t([]))), ["drop_check", "drop_check"]);
});

databaseTest(
  "indexes: method, expression, partial, include, order; a changed one is rebuilt",
  async (database, dir) => {
    const t = (where: string) => ({
      tables: [
        defineTable(
          "docs",
          { id: column("int"), title: column("text"), body: column("jsonb"), at: column("date") },
          (b) => [
            b.index([{ expression: "lower(title)" }, { column: "at", order: "desc" }], { where, include: ["id"] }),
            b.index(["body"], { using: "gin" }),
          ],
        ),
      ],
    });
    await converge(database, dir, t("id > 0"));
    assert.deepEqual(kinds(await converge(database, dir, t("id > 10"))), ["drop_index", "create_index"]);
  },
);

databaseTest("identity, generated columns, defaults and comments", async (database, dir) => {
  const t = (evolved: boolean) => ({
    tables: [
      defineTable(
        "m",
        {
          id: column("int", { identity: evolved ? "by default" : "always" }),
          a: column("int", { notNull: true, defaultSql: evolved ? "2" : "1" }),
          twice: column("int", { generatedAs: "a * 2" }),
          at: column("timestamptz", { defaultSql: evolved ? "now() - interval '1 day'" : "now()" }),
        },
        undefined,
        { comment: evolved ? "changed" : "original" },
      ),
    ],
  });
  await converge(database, dir, t(false));
  const ops = await converge(database, dir, t(true));
  assert.deepEqual(kinds(ops).sort(), ["alter_column", "alter_column", "alter_column", "set_table_comment"]);
});

databaseTest(
  "renames keep data: tables and columns with hints; a hintless drop + add is flagged",
  async (database, dir) => {
    await converge(database, dir, { tables: [defineTable("people", { fullname: column("text") })] });
    await sql`insert into people values ('Ada')`.execute(database.db);
    const renamed = {
      tables: [
        defineTable("persons", { name: column("text", { renamedFrom: "fullname" }) }, undefined, {
          renamedFrom: "people",
        }),
      ],
    };
    assert.deepEqual(kinds(await converge(database, dir, renamed)), ["rename_table", "rename_column"]);
    const rows = await sql<{ name: string }>`select name from persons`.execute(database.db);
    assert.deepEqual(rows.rows, [{ name: "Ada" }]);

    const { possibleRenames } = await import("../../src/diff/hints.ts");
    const hintless = await plan(database, loaded({ tables: [defineTable("persons", { label: column("text") })] }, dir));
    assert.deepEqual(possibleRenames(hintless), [{ schema: "public", table: "persons", from: "name", to: "label" }]);
  },
);

databaseTest("schemas: tables in other schemas, cross-schema deferrable foreign keys", async (database, dir) => {
  const config: Config = {
    tables: [
      defineTable("crm.clients", { id: column("int", { primaryKey: true }) }),
      defineTable("sales.orders", { id: column("int"), client: column("int") }, (b) => [
        b.reference(["client"], "crm.clients", ["id"], { deferrable: "deferred" }),
      ]),
    ],
  };
  const ops = await converge(database, dir, config);
  assert.deepEqual(kinds(ops).filter((k) => k === "create_schema").length, 2);
  // Deferred: the order can be inserted before its client within one transaction.
  await database.db.transaction().execute(async (tx) => {
    await sql`insert into sales.orders values (1, 7)`.execute(tx);
    await sql`insert into crm.clients values (7)`.execute(tx);
  });
});

databaseTest(
  "an expression PostgreSQL rejects is reported with its table, before anything is written",
  async (database, dir) => {
    const config: Config = {
      tables: [
        defineTable("fine", { a: column("int") }, (b) => [b.check("a > 0")]),
        defineTable("broken", { a: column("int") }, (b) => [b.check("no_such_column > 0")]),
      ],
    };
    await assert.rejects(
      plan(database, loaded(config, dir)),
      (e: Error) => /rejects an expression of table public\.broken/.test(e.message) && /no_such_column/.test(e.message),
    );
  },
);

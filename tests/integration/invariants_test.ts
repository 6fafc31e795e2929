/**
 * Known failure modes of declarative migration tools, one regression test
 * each (DESIGN.md, "Invariants"), on PostgreSQL and PGlite. Items 11 and 15
 * are about the CLI process: tests/cli/invariants_cli_test.ts.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import type { Database } from "../../src/dialect/database.ts";
import { compileOperation } from "../../src/dialect/postgres/compile.ts";
import { destructiveChanges } from "../../src/diff/destructive.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration, squashPending } from "../../src/migrations/generate.ts";
import { applyMigrations, migrationStatements } from "../../src/migrations/runner.ts";
import { migrationState, readHistory } from "../../src/migrations/history.ts";
import { readMigrations, writeMigration } from "../../src/migrations/store.ts";
import { column, type Config, defineTable } from "../../src/mod.ts";
import { introspectFor } from "../../src/plan.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

async function exec(database: Database, statements: string): Promise<void> {
  for (const statement of statements.split(";").map((s) => s.trim()).filter(Boolean)) {
    await sql.raw(statement).execute(database.db);
  }
}

const users = defineTable("users", { id: column("int", { primaryKey: true }) });

databaseTest("1. a foreign key without onDelete/onUpdate is stable (NO ACTION)", async (database, dir) => {
  const posts = defineTable("posts", { id: column("int"), user_id: column("int") }, (t) => [
    t.reference(["user_id"], users, ["id"]),
  ]);
  await converge(database, dir, { tables: [users, posts] });
  const actual = await introspectFor(database, loaded({ tables: [users, posts] }, dir).desired);
  const fk = actual.tables.find((t) => t.name === "posts")!.foreignKeys[0];
  assert.deepEqual([fk.onDelete, fk.onUpdate], ["no action", "no action"]);
});

databaseTest("2. a composite foreign key introspects as exactly its columns, in order", async (database, dir) => {
  await exec(
    database,
    `create table tenants_users (tenant_id int, user_id int, primary key (tenant_id, user_id));
     create table docs (id int, user_id int, tenant_id int,
       constraint docs_owner_fkey foreign key (tenant_id, user_id) references tenants_users (tenant_id, user_id))`,
  );
  const config: Config = {
    tables: [
      defineTable("tenants_users", { tenant_id: column("int"), user_id: column("int") }, (t) => [
        t.primaryKey(["tenant_id", "user_id"]),
      ]),
      defineTable("docs", { id: column("int"), user_id: column("int"), tenant_id: column("int") }, (t) => [
        t.reference(["tenant_id", "user_id"], "tenants_users", ["tenant_id", "user_id"], { name: "docs_owner_fkey" }),
      ]),
    ],
  };
  const actual = await introspectFor(database, loaded(config, dir).desired);
  const fk = actual.tables.find((t) => t.name === "docs")!.foreignKeys[0];
  assert.deepEqual(fk.columns, ["tenant_id", "user_id"]);
  assert.deepEqual(fk.refColumns, ["tenant_id", "user_id"]);
  assert.deepEqual(await plan(database, loaded(config, dir)), []);
});

databaseTest("3. types with modifiers and aliases round-trip; serial is never an ALTER TYPE", async (database, dir) => {
  const types = [
    "varchar(255)",
    "numeric(10, 2)",
    "numeric(10,2)",
    "decimal",
    "double precision",
    "real",
    "char(3)",
    "timestamptz(3)",
    "int",
    "bool",
    "text[]",
    "interval",
    "inet",
  ];
  const columns = Object.fromEntries(types.map((type, i) => [`c${i}`, column(type)]));
  const table = (serial: string) =>
    defineTable("typed", { id: column(serial, { primaryKey: true }), big: column("bigserial"), ...columns });
  await converge(database, dir, { tables: [table("serial")] });

  const ops = await converge(database, dir, { tables: [table("bigserial")] });
  const statements = ops.flatMap(compileOperation);
  assert.ok(statements.some((s) => s.includes('ALTER COLUMN "id" TYPE bigint')), statements.join("\n"));
  assert.ok(statements.every((s) => !/TYPE (big|small)?serial/i.test(s)), "serial never emitted as a type");
  await exec(database, "insert into typed (c0) values ('x')");
});

databaseTest("4. column defaults are added, changed and dropped", async (database, dir) => {
  const t = (options: Parameters<typeof column>[1]) => ({ tables: [defineTable("d", { v: column("int", options) })] });
  await converge(database, dir, t({}));
  assert.equal((await converge(database, dir, t({ defaultSql: "1" })))[0].kind, "alter_column");
  assert.equal((await converge(database, dir, t({ defaultSql: "2" })))[0].kind, "alter_column");
  const dropped = await converge(database, dir, t({}));
  assert.deepEqual(dropped.map((op) => op.kind === "alter_column" && op.changes.default), [{ from: "2" }]);
});

databaseTest(
  "5. names longer than 63 bytes do not loop: generated names truncate as PostgreSQL does",
  async (database, dir) => {
    const long = "a_rather_long_table_name_that_goes_on_and_on_for_a_while";
    const config: Config = {
      tables: [
        defineTable(long, {
          id: column("int", { primaryKey: true }),
          another_quite_long_column_name_for_the_unique_key: column("text", { unique: true }),
        }, (t) => [t.index(["id", "another_quite_long_column_name_for_the_unique_key"])]),
      ],
    };
    await converge(database, dir, config);
    assert.throws(
      () => loaded({ tables: [defineTable("x".repeat(64), { id: column("int") })] }, dir),
      (e: Error) => e instanceof KyrageError && /64 bytes long/.test(e.message),
    );
  },
);

databaseTest("6. objects outside the managed scope never produce operations", async (database, dir) => {
  await exec(
    database,
    `create schema other; create table other.users (id int, extra text); create table other.stuff (x int);
     create table public.users (id int primary key);
     create schema third; create view third.user_view as select id from public.users`,
  );
  assert.deepEqual(await plan(database, loaded({ tables: [users] }, dir)), []);
  // Managing a schema's table: its same-named neighbour in public stays apart.
  const both: Config = {
    tables: [
      users,
      defineTable("other.users", { id: column("int"), extra: column("text") }),
      defineTable("other.stuff", { x: column("int") }),
    ],
  };
  assert.deepEqual(await plan(database, loaded(both, dir)), []);
});

databaseTest(
  "7. objects missing from the config are removed only through the destructive gate, by name",
  async (database, dir) => {
    await converge(database, dir, { tables: [users] });
    await exec(
      database,
      "create table extra (x int); alter table users add column legacy text; create index users_legacy_idx on users (legacy)",
    );
    const ops = await plan(database, loaded({ tables: [users] }, dir));
    const losses = destructiveChanges(ops).map((d) => d.loses).join("\n");
    for (const name of ["public.extra", "public.users.legacy", "users_legacy_idx"]) {
      assert.ok(
        losses.includes(name),
        losses,
      );
    }
    await assert.rejects(
      generateMigration(database, loaded({ tables: [users] }, dir)),
      (e: Error) => e instanceof KyrageError && /destructive/.test(e.message) && e.message.includes("public.extra"),
    );
    assert.equal((await readMigrations(`${dir}/migrations`)).length, 1, "nothing written");
  },
);

databaseTest(
  "8. dropping tables linked by foreign keys, including a cycle, works in one migration",
  async (database, dir) => {
    const a = defineTable(
      "a",
      { id: column("int", { primaryKey: true }), b: column("int") },
      (t) => [t.reference(["b"], "b", ["id"])],
    );
    const b = defineTable(
      "b",
      { id: column("int", { primaryKey: true }), a: column("int") },
      (t) => [t.reference(["a"], "a", ["id"])],
    );
    const c = defineTable(
      "c",
      { id: column("int", { primaryKey: true }), a: column("int") },
      (t) => [t.reference(["a"], "a", ["id"])],
    );
    await converge(database, dir, { tables: [a, b, c, users] });
    await exec(
      database,
      "insert into a values (1, null); insert into b values (1, 1); update a set b = 1; insert into c values (1, 1)",
    );
    const ops = await converge(database, dir, { tables: [users] });
    assert.equal(ops.filter((op) => op.kind === "drop_table").length, 3);
  },
);

databaseTest("9. casts without an assignment cast get USING (overridable)", async (database, dir) => {
  const t = (types: [string, string, string], using?: string) => ({
    tables: [defineTable("conv", { n: column(types[0]), j: column(types[1]), u: column(types[2], { using }) })],
  });
  await converge(database, dir, t(["text", "text", "varchar(36)"]));
  await exec(database, `insert into conv values ('42', '{"a": 1}', '0b6f1a7e-6f0b-4f8e-9a3c-2d1e5f7a9b0c')`);
  await converge(database, dir, t(["integer", "jsonb", "uuid"]));
  await converge(database, dir, t(["integer", "jsonb", "text"], "upper(u::text)"));
  const row = await sql<{ n: number; u: string }>`select n, u from conv`.execute(database.db);
  assert.deepEqual(row.rows[0], { n: 42, u: "0B6F1A7E-6F0B-4F8E-9A3C-2D1E5F7A9B0C" });
});

databaseTest("10. an unknown type is refused before anything is generated", async (database, dir) => {
  const config = loaded(
    { tables: [defineTable("t", { a: column("text[]"), b: column("intgr"), c: column("inet") })] },
    dir,
  );
  await assert.rejects(
    generateMigration(database, config),
    (e: Error) =>
      e instanceof KyrageError && e.message.includes('"intgr" (column public.t.b)') && !e.message.includes("inet"),
  );
  assert.deepEqual(await readMigrations(`${dir}/migrations`), []);
});

databaseTest(
  "12. apply runs exactly the stored operations in stored order; newer formats are refused",
  async (database, dir) => {
    const operations: Operation[] = [
      {
        kind: "create_table",
        schema: "public",
        table: "second",
        columns: [{ name: "id", type: "integer", notNull: true }],
      },
      {
        kind: "create_table",
        schema: "public",
        table: "first",
        columns: [{ name: "id", type: "integer", notNull: true }],
      },
      { kind: "add_column", schema: "public", table: "second", column: { name: "x", type: "text", notNull: false } },
    ];
    await writeMigration(`${dir}/migrations`, {
      format: 1,
      id: "20200101000000000",
      createdAt: "2020-01-01T00:00:00.000Z",
      allowDestructive: false,
      operations,
    });
    const [file] = await readMigrations(`${dir}/migrations`);
    assert.deepEqual(migrationStatements(file), operations.flatMap(compileOperation), "stored order, no re-planning");
    await applyMigrations(database.db, [file], APPLY);
    await exec(database, "insert into second (id, x) values (1, 'y')");

    await Deno.writeTextFile(
      `${dir}/migrations/20300101000000000.json`,
      JSON.stringify({ format: 2, id: "20300101000000000" }),
    );
    await assert.rejects(readMigrations(`${dir}/migrations`), /format 2, written by a newer kyrage/);
  },
);

databaseTest(
  "13. generate --squash writes the new file first; a failure leaves the old files",
  async (database, dir) => {
    const t = (columns: Record<string, ReturnType<typeof column>>) => ({
      tables: [defineTable("s", { id: column("int"), ...columns })],
    });
    await converge(database, dir, t({ a: column("text") }));
    const { openDevDatabase } = await import("../../src/migrations/dev.ts");
    const dev = await openDevDatabase(await readMigrations(`${dir}/migrations`));
    await generateMigration(dev, loaded(t({ a: column("text"), b: column("text") }), dir)).finally(() => dev.close());
    const before = (await readMigrations(`${dir}/migrations`)).map((m) => m.path);
    // Squashing to a config that drops a column is refused without --allow-destructive.
    await assert.rejects(squashPending(database, loaded(t({}), dir)), /destructive/);
    assert.deepEqual((await readMigrations(`${dir}/migrations`)).map((m) => m.path), before, "old files untouched");
  },
);

databaseTest(
  "14. a pending migration older than the newest applied one (merged branch) is applied",
  async (database, dir) => {
    const make = (id: string, table: string) =>
      writeMigration(`${dir}/migrations`, {
        format: 1,
        id,
        createdAt: "2024-01-01T00:00:00.000Z",
        allowDestructive: false,
        operations: [{
          kind: "create_table",
          schema: "public",
          table,
          columns: [{ name: "id", type: "integer", notNull: false }],
        }],
      });
    await make("20240102000000000", "from_main");
    await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
    await make("20240101000000000", "from_branch");
    const files = await readMigrations(`${dir}/migrations`);
    const state = migrationState(files, await readHistory(database.db));
    assert.deepEqual(state.outOfOrder.map((m) => m.id), ["20240101000000000"]);
    const result = await applyMigrations(database.db, files, APPLY);
    assert.deepEqual(result.applied.map((m) => m.id), ["20240101000000000"]);
    await exec(database, "insert into from_branch values (1)");
  },
);

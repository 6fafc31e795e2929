/**
 * Trust defects a hostile test found (issue 14): silent data loss, migrations
 * that can only fail, and plans that lie. Each is a regression test on
 * PostgreSQL and PGlite.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import postgres from "postgres";
import type { Database } from "../../src/dialect/database.ts";
import { destructiveChanges } from "../../src/diff/destructive.ts";
import { possibleRenames } from "../../src/diff/hints.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { column, type Config, defineEnum, defineTable } from "../../src/mod.ts";
import { createTestDatabase, databaseTest, serverTest } from "../support/backends.ts";
import { converge, generateAndApply, loaded, plan } from "../support/pipeline.ts";

async function rows<T>(database: Database, query: string): Promise<T[]> {
  return (await sql.raw<T>(query).execute(database.db)).rows;
}

const refusal = (...patterns: RegExp[]) => (e: Error) => {
  assert.ok(e instanceof KyrageError, `a KyrageError, not ${e}`);
  for (const p of patterns) assert.match(e.message, p);
  return true;
};

const lines = (total: Record<string, unknown>) =>
  defineTable("lines", { price: column("numeric"), qty: column("int"), total: column("numeric", total) });

databaseTest("a generated column made plain keeps every value, and is not a rename", async (database, dir) => {
  await converge(database, dir, { tables: [lines({ generatedAs: "price * qty" })] });
  await sql`insert into lines (price, qty) values (2.5, 4), (3, 3)`.execute(database.db);
  const ops = await plan(database, loaded({ tables: [lines({})] }, dir));
  assert.deepEqual(ops.map((op) => op.kind), ["alter_column"], "no drop + add");
  assert.deepEqual(destructiveChanges(ops), [], "nothing is lost");
  assert.deepEqual(possibleRenames(ops), [], "no rename hint on the same name");
  await converge(database, dir, { tables: [lines({})] });
  const after = await rows<{ total: string }>(database, "select total::text from lines order by qty");
  assert.deepEqual(after.map((r) => r.total), ["9", "10.0"]);
  await sql`insert into lines (price, qty, total) values (1, 1, 42)`.execute(database.db); // plain now
});

databaseTest("a plain column made generated is destructive: its stored values are replaced", async (database, dir) => {
  await converge(database, dir, { tables: [lines({})] });
  const ops = await plan(database, loaded({ tables: [lines({ generatedAs: "price * qty" })] }, dir));
  const lost = destructiveChanges(ops).map((d) => d.loses).join("; ");
  assert.match(lost, /public\.lines\.total/);
  assert.deepEqual(possibleRenames(ops), [], "no rename hint on the same name");
  await assert.rejects(
    generateMigration(database, loaded({ tables: [lines({ generatedAs: "price * qty" })] }, dir)),
    refusal(/destructive/, /public\.lines\.total/),
  );
});

databaseTest("a generated column's new expression recomputes it and keeps its index", async (database, dir) => {
  const t = (expression: string) =>
    defineTable(
      "lines",
      { price: column("numeric"), qty: column("int"), total: column("numeric", { generatedAs: expression }) },
      (b) => [b.index(["total"]), b.check("total >= 0")],
    );
  await converge(database, dir, { tables: [t("price * qty")] });
  await sql`insert into lines (price, qty) values (2, 4)`.execute(database.db);
  await converge(database, dir, { tables: [t("price * qty * 2")] });
  const after = await rows<{ total: string }>(database, "select total::text from lines");
  assert.deepEqual(after.map((r) => r.total), ["16"]);
});

databaseTest(
  "a new enum label can be used in the same change: index predicate, check, default",
  async (database, dir) => {
    const t = (values: string[], extra: boolean) => ({
      tables: [
        defineTable(
          "tickets",
          {
            id: column("int"),
            status: column(defineEnum("status", values), extra ? { defaultSql: "'on_hold'" } : {}),
          },
          (b) =>
            extra ? [b.index(["id"], { where: "status = 'on_hold'" }), b.check("status <> 'on_hold' or id > 0")] : [],
        ),
      ],
    });
    await converge(database, dir, t(["open", "closed"], false));
    await sql`insert into tickets values (1, 'open')`.execute(database.db);
    await converge(database, dir, t(["open", "on_hold", "closed"], true));
    // Labels removed or reordered in the same change: the rebuilt type is seen too.
    await converge(database, dir, t(["on_hold", "open"], true));
  },
);

databaseTest("identity added to a populated integer column starts past its maximum", async (database, dir) => {
  const t = (identity: boolean) => ({
    tables: [
      defineTable("things", {
        id: column("int", identity ? { identity: "by default", primaryKey: true } : { primaryKey: true }),
        name: column("text"),
      }),
    ],
  });
  await converge(database, dir, t(false));
  await sql`insert into things values (1, 'a'), (7, 'b'), (3, 'c')`.execute(database.db);
  await converge(database, dir, t(true));
  await sql`insert into things (name) values ('d')`.execute(database.db);
  const ids = await rows<{ id: number }>(database, "select id from things where name = 'd'");
  assert.deepEqual(ids.map((r) => r.id), [8]);
});

const refused: [string, Config, RegExp[]][] = [
  [
    "a table named like another table's primary key",
    {
      tables: [
        defineTable("t", { id: column("int", { primaryKey: true }) }),
        defineTable("t_pkey", { a: column("int") }),
      ],
    },
    [/t_pkey/, /primary key of public\.t/, /table public\.t_pkey/],
  ],
  [
    "one explicit index name on two tables",
    {
      tables: [
        defineTable("a", { x: column("int") }, (t) => [t.index(["x"], { name: "by_x" })]),
        defineTable("b", { x: column("int") }, (t) => [t.index(["x"], { name: "by_x" })]),
      ],
    },
    [/by_x/, /public\.a/, /public\.b/],
  ],
  [
    "a foreign key to columns without a unique constraint",
    {
      tables: [
        defineTable("parents", { id: column("int"), code: column("text") }),
        defineTable("kids", { code: column("text") }, (t) => [t.reference(["code"], "parents", ["code"])]),
      ],
    },
    [/kids/, /parents \(code\)/, /unique/],
  ],
  [
    "a literal default of the wrong type",
    { tables: [defineTable("t", { n: column("int", { defaultSql: "'abc'" }) })] },
    [/public\.t\.n/, /'abc'/, /invalid input syntax for type integer/],
  ],
];

for (const [name, config, patterns] of refused) {
  databaseTest(`refused at generate, naming the object: ${name}`, async (database, dir) => {
    // A config-level problem is refused when the config loads, before any planning.
    await assert.rejects(async () => await generateMigration(database, loaded(config, dir)), refusal(...patterns));
    assert.deepEqual(await readMigrations(`${dir}/migrations`), [], "nothing written");
  });
}

databaseTest("a new relation whose name an unmanaged relation holds is refused at generate", async (database, dir) => {
  await sql`create view reports as select 1 as n`.execute(database.db);
  const config: Config = { tables: [defineTable("reports", { n: column("int") })] };
  await assert.rejects(
    generateMigration(database, loaded(config, dir)),
    refusal(/public\.reports/, /already exists/, /view/),
  );
});

databaseTest(
  "removing an enum label that rows still use is refused, naming column and count",
  async (database, dir) => {
    const t = (values: string[]) => ({
      tables: [defineTable("tickets", { id: column("int"), status: column(defineEnum("status", values)) })],
    });
    await converge(database, dir, t(["open", "stale", "closed"]));
    await sql`insert into tickets values (1, 'stale'), (2, 'stale'), (3, 'open')`.execute(database.db);
    await assert.rejects(
      generateMigration(database, loaded(t(["open", "closed"]), dir), { allowDestructive: true }),
      refusal(/public\.tickets\.status/, /2 rows/, /stale/),
    );
    await sql`update tickets set status = 'closed' where status = 'stale'`.execute(database.db);
    await generateAndApply(database, loaded(t(["open", "closed"]), dir));
    assert.deepEqual(await plan(database, loaded(t(["open", "closed"]), dir)), []);
  },
);

serverTest(
  "planning gives up on a table lock another session holds, and names that session",
  async (database, dir, target) => {
    const holder = postgres(target.databaseUrl!, { max: 1, onnotice: () => {} });
    try {
      const t = (notNull: boolean) => ({ tables: [defineTable("people", { email: column("text", { notNull }) })] });
      await converge(database, dir, t(false));
      const session = await holder.reserve();
      await session`begin`;
      await session`lock table people in access exclusive mode`;
      const started = Date.now();
      await assert.rejects(
        generateMigration(database, loaded(t(true), dir)),
        refusal(/waited 5s for a table lock/, /public\.people is locked by session \d+ \(idle in transaction/),
      );
      assert.ok(Date.now() - started < 30_000, "gave up instead of waiting for good");
      await session`rollback`;
      session.release();
    } finally {
      await holder.end({ timeout: 1 });
    }
  },
);

Deno.test({
  name: "a database closed while a sibling query of a failed one still runs closes, instead of hanging [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    const database = await target.open();
    try {
      await assert.rejects(
        Promise.all([sql`select pg_sleep(0.5)`.execute(database.db), sql`select no_such_column`.execute(database.db)]),
        /no_such_column/,
      );
      const closed = await Promise.race([
        database.close().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000)),
      ]);
      assert.ok(closed, "close returned");
    } finally {
      await target.dispose();
    }
  },
});

databaseTest(
  "a column moves from one enum type to another through text; rows that do not fit are refused",
  async (database, dir) => {
    const t = (type: "old" | "new") => ({
      tables: [
        defineTable("tickets", {
          id: column("int"),
          state: type === "old"
            ? column(defineEnum("old_state", ["open", "closed", "stale"]))
            : column(defineEnum("new_state", ["open", "closed"])),
        }),
      ],
    });
    await converge(database, dir, t("old"));
    await sql`insert into tickets values (1, 'open'), (2, 'stale')`.execute(database.db);
    await assert.rejects(
      generateMigration(database, loaded(t("new"), dir), { allowDestructive: true }),
      refusal(/public\.tickets\.state/, /1 rows hold values that type new_state does not have \(stale\)/),
    );
    await sql`delete from tickets where id = 2`.execute(database.db);
    await converge(database, dir, t("new"));
    const states = await rows<{ state: string }>(database, "select state::text from tickets");
    assert.deepEqual(states.map((r) => r.state), ["open"]);
  },
);

databaseTest("a bigint identity with an explicit MAXVALUE narrows to integer", async (database, dir) => {
  const t = (type: string, maxValue?: number) => ({
    tables: [
      defineTable("things", {
        id: column(type, {
          primaryKey: true,
          identity: { generated: "always", ...(maxValue !== undefined ? { maxValue } : {}) },
        }),
      }),
    ],
  });
  await converge(database, dir, t("bigint", 9_999_999_999));
  await converge(database, dir, t("integer"));
  await converge(database, dir, t("bigint", 9_999_999_999));
});

databaseTest("an index built concurrently may have $$ in its name", async (database, dir) => {
  const t = {
    tables: [
      defineTable("docs", { id: column("int") }, (b) => [b.index(["id"], { name: "by$$id", concurrently: true })]),
    ],
  };
  await converge(database, dir, t);
});

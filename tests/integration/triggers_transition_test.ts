/**
 * Trigger transition tables (`REFERENCING OLD TABLE AS ... NEW TABLE AS ...`):
 * created from the config and read by their function, renamed in place
 * (`CREATE OR REPLACE TRIGGER`), seen when added in SQL, dropped, refused
 * before any SQL where PostgreSQL would refuse them, and pulled from SQL and
 * rebuilt with the same `pg_get_triggerdef`.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  column,
  type Config,
  defineFunction,
  definePartition,
  defineTable,
  defineTrigger,
  defineView,
  type TriggerOptions,
} from "../../src/config/dsl.ts";
import type { Database } from "../../src/dialect/database.ts";
import { KyrageError } from "../../src/errors.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { createTestDatabase, databaseTest } from "../support/backends.ts";
import { converge, generateAndApply, loaded, plan } from "../support/pipeline.ts";
import { statements } from "../support/sql_schemas.ts";
import { kinds, pulledProject } from "../support/objects.ts";

/** Every trigger of the database as PostgreSQL prints it. */
const triggerDefs = async (database: Database) =>
  (await sql<{ def: string }>`select pg_get_triggerdef(oid, true) as def from pg_trigger
    where not tgisinternal order by tgname`.execute(database.db)).rows.map((r) => r.def);

const audited = async (database: Database) =>
  (await sql<{ op: string; n: number | null }>`select op, n::int as n from audit order by at`.execute(database.db))
    .rows;

const accounts = defineTable("accounts", {
  id: column("int", { primaryKey: true }),
  balance: column("int", { notNull: true }),
});
const audit = defineTable("audit", {
  at: column("int", { identity: "always" }),
  op: column("text", { notNull: true }),
  n: column("bigint"),
});
/** A statement-level function recording `count(*)` of the transition table `rows`. */
const counter = (name: string, rows: string) =>
  defineFunction(name, {
    returns: "trigger",
    language: "plpgsql",
    body: `begin insert into audit (op, n) select TG_OP, count(*) from ${rows}; return null; end`,
  });
const countInserted = (rows = "inserted") => counter("count_inserted", rows);
const countRemoved = counter("count_removed", "removed");
const sumRaised = defineFunction("sum_raised", {
  returns: "trigger",
  language: "plpgsql",
  body: "begin insert into audit (op, n) select TG_OP, sum(a.balance - b.balance) " +
    "from after_rows a join before_rows b using (id); return null; end",
});

const statement = { table: accounts, timing: "after", forEach: "statement" } as const;
const inserted = (over: Partial<TriggerOptions> = {}) =>
  defineTrigger("accounts_inserted", {
    ...statement,
    events: ["insert"],
    referencing: { newTable: "inserted" },
    function: countInserted(),
    ...over,
  });
const removed = defineTrigger("accounts_removed", {
  ...statement,
  events: ["delete"],
  referencing: { oldTable: "removed" },
  function: countRemoved,
});
const raised = defineTrigger("accounts_raised", {
  ...statement,
  events: ["update"],
  referencing: { oldTable: "before_rows", newTable: "after_rows" },
  function: sumRaised,
});

const config = (over: Partial<Config> = {}): Config => ({
  tables: [accounts, audit],
  functions: [countInserted(), countRemoved, sumRaised],
  triggers: [inserted(), removed, raised],
  ...over,
});

databaseTest("transition tables are created and their function reads the changed rows", async (db, dir) => {
  const ops = await converge(db, dir, config());
  assert.deepEqual(kinds(ops).filter((k) => k.includes("accounts_")), [
    "create_object accounts_inserted",
    "create_object accounts_raised",
    "create_object accounts_removed",
  ]);
  assert.deepEqual(await triggerDefs(db), [
    "CREATE TRIGGER accounts_inserted AFTER INSERT ON accounts REFERENCING NEW TABLE AS inserted " +
    "FOR EACH STATEMENT EXECUTE FUNCTION count_inserted()",
    "CREATE TRIGGER accounts_raised AFTER UPDATE ON accounts REFERENCING OLD TABLE AS before_rows " +
    "NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION sum_raised()",
    "CREATE TRIGGER accounts_removed AFTER DELETE ON accounts REFERENCING OLD TABLE AS removed " +
    "FOR EACH STATEMENT EXECUTE FUNCTION count_removed()",
  ]);
  await sql`insert into accounts values (1, 10), (2, 20), (3, 30)`.execute(db.db);
  await sql`update accounts set balance = balance + 5`.execute(db.db);
  await sql`delete from accounts where id < 3`.execute(db.db);
  assert.deepEqual(await audited(db), [
    { op: "INSERT", n: 3 },
    { op: "UPDATE", n: 15 },
    { op: "DELETE", n: 2 },
  ]);
});

databaseTest("renamed transition tables replace the trigger; removed ones too; re-plan empty", async (db, dir) => {
  await converge(db, dir, config());
  const renamed = await converge(
    db,
    dir,
    config({
      functions: [countInserted("added"), countRemoved, sumRaised],
      triggers: [inserted({ referencing: { newTable: "added" }, function: countInserted("added") }), removed, raised],
    }),
  );
  assert.deepEqual(kinds(renamed), ["alter_object count_inserted", "alter_object accounts_inserted"]);
  const [def] = await triggerDefs(db);
  assert.match(def, /REFERENCING NEW TABLE AS added FOR EACH STATEMENT/);
  await sql`insert into accounts values (1, 10), (2, 20)`.execute(db.db);
  assert.deepEqual(await audited(db), [{ op: "INSERT", n: 2 }], "the function reads the new name");

  const counted = defineFunction("count_inserted", {
    returns: "trigger",
    language: "plpgsql",
    body: "begin insert into audit (op) values (TG_OP); return null; end",
  });
  const plain = inserted({ referencing: undefined, function: counted });
  const without = await converge(db, dir, config({ functions: [counted, countRemoved, sumRaised], triggers: [plain] }));
  assert.ok(kinds(without).includes("alter_object accounts_inserted"), kinds(without).join(", "));
  assert.deepEqual(await triggerDefs(db), [
    "CREATE TRIGGER accounts_inserted AFTER INSERT ON accounts FOR EACH STATEMENT EXECUTE FUNCTION count_inserted()",
  ]);
});

databaseTest("transition tables added or changed in SQL are a difference from the config", async (db, dir) => {
  const counted = defineFunction("count_inserted", {
    returns: "trigger",
    language: "plpgsql",
    body: "begin insert into audit (op) values (TG_OP); return null; end",
  });
  const plain = config({
    functions: [counted, countRemoved, sumRaised],
    triggers: [inserted({ referencing: undefined, function: counted }), removed, raised],
  });
  await converge(db, dir, plain);
  await sql`create or replace trigger accounts_inserted after insert on accounts
    referencing new table as inserted for each statement execute function count_inserted()`.execute(db.db);
  await sql`create or replace trigger accounts_raised after update on accounts
    referencing new table as after_rows for each statement execute function sum_raised()`.execute(db.db);
  assert.deepEqual(kinds(await plan(db, loaded(plain, dir))), [
    "alter_object accounts_inserted",
    "alter_object accounts_raised",
  ]);
});

databaseTest("a trigger with transition tables removed from the config is dropped", async (db, dir) => {
  await converge(db, dir, config());
  const ops = await converge(db, dir, config({ triggers: [inserted(), raised] }));
  assert.deepEqual(kinds(ops), ["drop_object accounts_removed"]);
  assert.equal((await triggerDefs(db)).some((d) => d.includes("accounts_removed")), false);
});

Deno.test("transition tables PostgreSQL would refuse are a config error naming the rule", () => {
  const refused: [Partial<TriggerOptions>, RegExp][] = [
    [{ referencing: {} }, /give oldTable, newTable or both/],
    [{ timing: "before", forEach: "row" }, /transition tables need timing "after"/],
    [{ events: ["insert", "update"] }, /exactly one event \(insert, update or delete\)/],
    [{ events: ["truncate"] }, /cannot be used with a truncate event/],
    [{ events: [{ update: ["balance"] }] }, /cannot be used with update columns/],
    [{ referencing: { oldTable: "gone" } }, /oldTable needs an update or delete event/],
    [{ events: ["delete"], referencing: { newTable: "n" } }, /newTable needs an insert or update event/],
    [{ events: ["update"], referencing: { oldTable: "r", newTable: "r" } }, /need different names/],
    [{ referencing: { newTable: "x".repeat(64) } }, /referencing\.newTable.*64 bytes long/],
  ];
  for (const [over, message] of refused) {
    assert.throws(
      () => loaded(config({ triggers: [inserted(over)] }), "/project"),
      (e: Error) => e instanceof KyrageError && /triggers\[0\]\.referencing/.test(e.message) && message.test(e.message),
      JSON.stringify(over),
    );
  }
});

databaseTest("where the table forbids transition tables, the plan stops with PostgreSQL's reason", async (db, dir) => {
  const view = defineView("rich", "select * from accounts where balance > 100");
  await assert.rejects(
    () => plan(db, loaded(config({ views: [view], triggers: [inserted({ table: view })] }), dir)),
    (e: Error) =>
      e instanceof KyrageError &&
      /rejects trigger accounts_inserted on public\.rich .*"rich" is a view \(Triggers on views cannot have transition tables\.\)/
        .test(e.message),
  );
  const rowLevel = inserted({ table: ledger, forEach: "row" });
  await assert.rejects(
    () => plan(db, loaded(config({ tables: [accounts, audit, ledger, ledger2024], triggers: [rowLevel] }), dir)),
    (e: Error) => e instanceof KyrageError && /ROW triggers with transition tables are not supported/.test(e.message),
  );
});

const ledger = defineTable("ledger", { year: column("int", { notNull: true }) }, undefined, {
  partitionBy: { strategy: "list", keys: ["year"] },
});
const ledger2024 = definePartition("ledger_2024", ledger, { in: [2024] });

databaseTest("a statement trigger on a partitioned table reads the rows of every partition", async (db, dir) => {
  await converge(
    db,
    dir,
    config({ tables: [accounts, audit, ledger, ledger2024], triggers: [inserted({ table: ledger })] }),
  );
  await sql`insert into ledger values (2024), (2024)`.execute(db.db);
  assert.deepEqual(await audited(db), [{ op: "INSERT", n: 2 }]);
});

const SOURCE = `
create table accounts (id int primary key, balance int not null);
create table audit (op text, n int);
create function count_new() returns trigger language plpgsql as $$
begin insert into audit select TG_OP, count(*) from "new rows"; return null; end $$;
create function count_old() returns trigger language plpgsql as $$
begin insert into audit select TG_OP, count(*) from gone; return null; end $$;
create function count_both() returns trigger language plpgsql as $$
begin insert into audit select TG_OP, (select count(*) from before) + (select count(*) from after); return null; end $$;
create trigger accounts_inserted after insert on accounts referencing new table as "new rows"
  for each statement execute function count_new();
create trigger accounts_deleted after delete on accounts referencing old table as gone
  for each statement execute function count_old();
create trigger accounts_updated after update on accounts referencing old table as before new table as after
  for each row when (old.balance is distinct from new.balance) execute function count_both();
`;

databaseTest("pull keeps transition tables: the rebuild prints the same triggers", async (database, dir, source) => {
  for (const statement of statements(SOURCE)) await sql.raw(statement).execute(database.db);
  const pulled = await pullDatabase(database, ["public"]);
  assert.deepEqual(pulled.unsupported, []);
  assert.ok(pulled.source.includes('referencing: { oldTable: "before", newTable: "after" }'), pulled.source);
  const config = await pulledProject(dir, pulled);
  assert.deepEqual(await plan(database, config), [], `the pull plans empty against its source:\n${pulled.source}`);
  const target = await createTestDatabase(source.backend);
  const empty = await target.open();
  try {
    await generateAndApply(empty, config);
    assert.deepEqual(await plan(empty, config), []);
    assert.deepEqual(await triggerDefs(empty), await triggerDefs(database), pulled.source);
  } finally {
    await empty.close();
    await target.dispose();
  }
});

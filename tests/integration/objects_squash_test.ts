/**
 * `generate --squash` with every object kind: on a target with its tables
 * applied, two pending migrations (authored on the dev database) create and
 * then change views, a materialized view with indexes, functions (a body and
 * a signature), a trigger, row-level security with policies, a sequence, an
 * extension and domains (one altered in place, one rebuilt on a new base
 * type). The squashed file applied to the target gives the same catalogs as
 * the unsquashed files applied to a twin, and the target re-plans empty.
 */
import assert from "node:assert/strict";
import {
  column,
  type Config,
  defineDomain,
  defineExtension,
  defineFunction,
  defineMaterializedView,
  definePolicy,
  defineSequence,
  defineTable,
  defineTrigger,
  defineView,
} from "../../src/config/dsl.ts";
import { type Database, openDatabase } from "../../src/dialect/database.ts";
import { introspect } from "../../src/dialect/postgres/introspect.ts";
import { openDevDatabase } from "../../src/migrations/dev.ts";
import { generateMigration, squashPending } from "../../src/migrations/generate.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { extensionNames } from "../../src/model/objects/extension.ts";
import { backendTest, createTestDatabase, type TestDatabase } from "../support/backends.ts";
import { catalogSnapshot, snapshotDiff } from "../support/catalog_snapshot.ts";
import { dumpDiff, pgDump } from "../support/pg_dump.ts";
import { loaded, plan } from "../support/pipeline.ts";
import { kinds } from "../support/objects.ts";

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

const positive = (v2: boolean) =>
  defineDomain("positive", {
    type: "numeric(10,2)",
    checks: v2 ? [{ name: "positive_check", expression: "VALUE > 0 AND VALUE < 1000000" }] : [
      { name: "positive_check", expression: "VALUE > 0" },
    ],
    ...(v2 ? { notNull: true, comment: "An amount" } : {}),
  });
// Rebuilt over the extension's type: the extension is created first.
const code = (v2: boolean) => defineDomain("code", { type: v2 ? "citext" : "text" });

const users = defineTable("users", {
  id: column("bigint", { primaryKey: true }),
  name: column("text"),
  updated_at: column("timestamptz", { notNull: true, defaultSql: "now()" }),
});
const orders = (stage: 0 | 1 | 2) =>
  defineTable(
    "orders",
    {
      id: column("bigint", { primaryKey: true }),
      user_id: column("bigint", { notNull: true }),
      total: column(stage === 0 ? "numeric(10,2)" : positive(stage === 2), { notNull: true }),
      owner: column("text", { notNull: true, defaultSql: "current_user" }),
    },
    (t) => [t.reference(["user_id"], "users", ["id"])],
    stage === 0 ? {} : { rowLevelSecurity: stage === 2 ? "force" : true },
  );

const touch = (v2: boolean) =>
  defineFunction("touch_updated_at", {
    returns: "trigger",
    language: "plpgsql",
    body: v2
      ? "begin new.updated_at := clock_timestamp(); return new; end"
      : "begin new.updated_at := now(); return new; end",
  });
const bigOrders = (v2: boolean) =>
  defineFunction("big_orders", {
    args: v2
      ? [{ name: "min", type: "numeric" }, { name: "max", type: "numeric", default: "1000000" }]
      : [{ name: "min", type: "numeric", default: "0" }],
    returns: "bigint",
    language: "sql",
    body: v2
      ? "select count(*) from orders where total > min and total < max"
      : "select count(*) from orders where total > min",
    volatility: "stable",
  });

/**
 * Stage 0: the applied history, tables and a few objects; 1: every object
 * kind created, one applied view dropped; 2: each of them changed.
 */
const config = (stage: 0 | 1 | 2): Config => {
  if (stage === 0) {
    return {
      tables: [users, orders(0)],
      domains: [code(false)],
      functions: [touch(false)],
      views: [defineView("legacy", "select id from users"), defineView("named_users", "select id, name from users")],
    };
  }
  const v2 = stage === 2;
  return {
    extensions: [defineExtension("citext")],
    domains: [positive(v2), code(v2)],
    sequences: [defineSequence("invoice_number", v2 ? { start: 1000, increment: 5, cache: 10 } : { start: 1000 })],
    tables: [users, orders(stage)],
    functions: [touch(v2), bigOrders(v2)],
    triggers: [
      defineTrigger("users_touch", {
        table: "users",
        timing: "before",
        events: v2 ? ["insert", "update"] : [{ update: ["name"] }],
        forEach: "row",
        function: "touch_updated_at",
      }),
    ],
    views: [
      defineView(
        "user_orders",
        v2
          ? "select u.id, u.name, o.total, o.owner from users u join orders o on o.user_id = u.id"
          : "select u.id, u.name, o.total from users u join orders o on o.user_id = u.id",
      ),
      defineView(
        "named_users",
        v2
          ? "select id::int as id, upper(name) as name from users where name is not null"
          : "select id, name from users",
      ),
      defineView("named_count", "select count(*) as n from named_users"),
      defineMaterializedView(
        "order_totals",
        v2
          ? "select user_id, sum(total) as total, count(*) as orders from orders group by user_id"
          : "select user_id, sum(total) as total from orders group by user_id",
        (m) => [m.index(["user_id"], { unique: true }), ...(v2 ? [m.index(["total"])] : [])],
      ),
    ],
    policies: [
      definePolicy("read_own", {
        table: "orders",
        command: "select",
        using: v2 ? "owner = current_user or user_id < 10" : "owner = current_user",
      }),
      ...(v2
        ? [definePolicy("write_own", { table: "orders", command: "insert", withCheck: "owner = current_user" })]
        : []),
    ],
  };
};

/** Opened as the CLI opens it for the config: on PGlite with citext's bundle. */
const open = (target: TestDatabase): Promise<Database> =>
  openDatabase(target.target.dialect === "pglite" ? { ...target.target, extensions: ["citext"] } : target.target);

backendTest("generate --squash of object migrations builds what the unsquashed files build", async (target) => {
  const dir = await Deno.makeTempDir();
  const twinTarget = await createTestDatabase(target.backend);
  const database = await open(target);
  const twin = await open(twinTarget);
  try {
    // The applied history: tables, a domain, a function, two views.
    const base = loaded(config(0), dir);
    await generateMigration(database, base);
    await applyMigrations(database.db, await readMigrations(base.migrationsDir), APPLY);

    // Two pending changes authored on the dev database: every kind created, then every kind changed.
    for (const stage of [1, 2] as const) {
      const next = loaded(config(stage), dir);
      const files = await readMigrations(next.migrationsDir);
      const dev = await openDevDatabase(files, undefined, extensionNames(next.desired.objects));
      await generateMigration(dev, next, { allowDestructive: true }).finally(() => dev.close());
    }
    const unsquashed = await readMigrations(base.migrationsDir);
    assert.ok(unsquashed.length >= 3, "one applied file and at least two pending");

    const changes = kinds(unsquashed.slice(2).flatMap((m) => m.file.operations));
    for (
      const expected of [
        "drop_object big_orders", // a new signature
        "alter_object touch_updated_at", // a new body
        "drop_object code", // a new base type
        "alter_object positive",
        "drop_object order_totals",
        "drop_object named_users",
        "drop_object named_count", // reads named_users
        "alter_object user_orders",
        "alter_object users_touch",
        "alter_object read_own",
        "alter_object invoice_number",
      ]
    ) assert.ok(changes.includes(expected), `${expected} in ${changes.join(", ")}`);
    const final = loaded(config(2), dir);
    const result = await squashPending(database, final, { allowDestructive: true });
    assert.equal(result.paths.length, 1, "the pending migrations become one file");
    assert.deepEqual(result.removed, unsquashed.slice(1).map((m) => m.path));
    const squashed = await readMigrations(base.migrationsDir);
    assert.equal(squashed.length, 2);
    const drops = kinds(squashed[1].file.operations).filter((k) => k.startsWith("drop_object")).sort();
    assert.deepEqual(drops, ["drop_object code", "drop_object legacy", "drop_object named_users"], "only applied ones");
    assert.equal(squashed[0].checksum, unsquashed[0].checksum, "the applied file is untouched");

    await applyMigrations(database.db, squashed, APPLY);
    await applyMigrations(twin.db, unsquashed, APPLY);
    assert.deepEqual(await plan(database, final), [], "the squashed target re-plans empty");
    assert.deepEqual(await plan(twin, final), [], "so does the twin");

    assert.deepEqual(
      snapshotDiff(await catalogSnapshot(twin), await catalogSnapshot(database), ["twin", "squashed"]),
      [],
    );
    const options = { schemas: ["public"], excludeTables: [HISTORY_QUALIFIED], extensions: ["citext"] };
    assert.deepEqual(await introspect(database.db, options), await introspect(twin.db, options));
    if (target.databaseUrl) {
      const dump = async (url: string) => (await pgDump(url)).filter((s) => !s.includes("kyrage_migrations"));
      assert.deepEqual(dumpDiff(await dump(twinTarget.databaseUrl!), await dump(target.databaseUrl)), []);
    }
  } finally {
    await database.close();
    await twin.close();
    await twinTarget.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

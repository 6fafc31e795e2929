/**
 * A hostile tester's cases for taking over a project of @izumisy/kyrage: its
 * files as upstream wrote them (every attribute spelled out), the SQL Kysely
 * ran for the applied ones, then `kyrage import-upstream` and a re-plan that
 * must be empty; what kyrage cannot support must be refused naming the file
 * and the feature. Each test says what should happen and what did.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";
import { query, runStatements } from "../support/claims.ts";
import { col, output, upstreamFile, upstreamProject } from "../support/upstream_hostile.ts";

// ---------------------------------------------------------------------------------------------------------------
// Names past 63 bytes: upstream wrote its default name in full in the file; PostgreSQL kept the first 63 bytes.
const LONG_TABLE = "subscription_renewal_events";
const LONG_INDEX = `idx_${LONG_TABLE}_customer_reference_id_billing_period_start`; // 76 bytes
const LONG_FK = `fk_${LONG_TABLE}_customer_reference_id_billing_period_start`;
const LONG_1 = upstreamFile("1761000000000", [
  {
    type: "create_table",
    table: "customers",
    columns: { id: col("integer", { primaryKey: true, notNull: true }), period: col("date", { notNull: true }) },
  },
  {
    type: "create_table",
    table: LONG_TABLE,
    columns: {
      id: col("integer", { primaryKey: true, notNull: true }),
      customer_reference_id: col("integer", { notNull: true }),
      billing_period_start: col("date", { notNull: true }),
    },
  },
  { type: "create_primary_key_constraint", table: "customers", name: "customers_id_primary_key", columns: ["id"] },
  {
    type: "create_primary_key_constraint",
    table: LONG_TABLE,
    name: `${LONG_TABLE}_id_primary_key`,
    columns: ["id"],
  },
  { type: "create_unique_constraint", table: "customers", name: "uq_customers_id_period", columns: ["id", "period"] },
  {
    type: "create_index",
    table: LONG_TABLE,
    name: LONG_INDEX,
    columns: ["customer_reference_id", "billing_period_start"],
    unique: false,
  },
  {
    type: "create_foreign_key_constraint",
    table: LONG_TABLE,
    name: LONG_FK,
    columns: ["customer_reference_id", "billing_period_start"],
    referencedTable: "customers",
    referencedColumns: ["id", "period"],
    inline: true,
  },
]);
const LONG_1_SQL = [
  `create table "customers" ("id" integer not null, "period" date not null, constraint "customers_id_primary_key" primary key ("id"), constraint "uq_customers_id_period" unique ("id", "period"))`,
  `create table "${LONG_TABLE}" ("id" integer not null, "customer_reference_id" integer not null, "billing_period_start" date not null, constraint "${LONG_TABLE}_id_primary_key" primary key ("id"), constraint "${LONG_FK}" foreign key ("customer_reference_id", "billing_period_start") references "customers" ("id", "period"))`,
  `create index "${LONG_INDEX}" on "${LONG_TABLE}" ("customer_reference_id", "billing_period_start")`,
];
const LONG_2 = upstreamFile("1761100000000", [
  { type: "drop_index", table: LONG_TABLE, name: LONG_INDEX },
  { type: "drop_foreign_key_constraint", table: LONG_TABLE, name: LONG_FK },
]);
const LONG_SCHEMA = (dropped: boolean) =>
  `import { column as c, defineTable as t } from "kyrage";
export const customers = t("customers", { id: c("integer", { primaryKey: true }), period: c("date", { notNull: true }) },
  (t) => [t.unique(["id", "period"])]);
export const events = t("${LONG_TABLE}", {
  id: c("integer", { primaryKey: true }),
  customer_reference_id: c("integer", { notNull: true }),
  billing_period_start: c("date", { notNull: true }),
}, (t) => [${
    dropped ? "" : `t.index(["customer_reference_id", "billing_period_start"]),
  t.reference(["customer_reference_id", "billing_period_start"], customers, ["id", "period"]),`
  }]);
`;

// Should: the import records the names PostgreSQL holds (63 bytes), so plan, status and check find nothing to do,
// and a pending file dropping them applies. Did: see the assertion messages.
backendTest("upstream's names past 63 bytes: import, plan empty, the pending drop applies", async (target) => {
  const { dir, cli } = await upstreamProject(target, [{ file: LONG_1, sql: LONG_1_SQL }], [LONG_2], LONG_SCHEMA(false));
  const imported = await cli("import-upstream");
  assert.equal(imported.code, 0, output(imported));
  const status = await cli("status");
  assert.match(status.stdout, /Schema: matches what the applied migrations produce/, output(status));
  const applied = await cli("apply");
  assert.equal(applied.code, 0, output(applied));
  await Deno.writeTextFile(`${dir}/schema.ts`, LONG_SCHEMA(true));
  const plan = await cli("plan", "--exit-code");
  assert.equal(plan.code, 0, output(plan));
  const replayed = await cli("check");
  assert.equal(replayed.code, 0, output(replayed));
  const left = await query<{ n: number }>(
    target,
    `select count(*)::int as n from pg_class where relname like 'idx_subscription%'`,
  );
  assert.deepEqual(left, [{ n: 0 }]);
});

// ---------------------------------------------------------------------------------------------------------------
// Upstream has only ever written `version: "1"`; a file of another version is not one kyrage knows how to read.
// Should: refused naming the file and its version. Did: imported as if it were version 1 (exit 0).
backendTest("an upstream file of a version upstream never wrote is refused, naming it", async (target) => {
  const file = upstreamFile("1762000000000", [
    { type: "create_table", table: "a", columns: { id: col("integer", { notNull: true }) } },
  ], "2");
  const { dir, cli } = await upstreamProject(target, [], [file], "");
  const imported = await cli("import-upstream");
  assert.equal(imported.code, 1, output(imported));
  assert.match(imported.stderr, /1762000000000\.json.*version "2".*only version "1"/s);
  assert.deepEqual([...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name), ["1762000000000.json"]);
}, ["postgres"]);

// ---------------------------------------------------------------------------------------------------------------
// Upstream names no schema: Kysely created its history and every table in the first schema of the search_path,
// which a role or database setting may make another than public. kyrage's import reads public.kysely_migration.
// Should: refused, naming the schema upstream used. Did: "nothing recorded" (exit 0), every applied file left
// pending, so `kyrage apply` would create the tables a second time, in public.
backendTest(
  "upstream's history outside public (search_path) is refused, not taken for an unmigrated database",
  async (target) => {
    const [{ db }] = await query<{ db: string }>(target, "select current_database() as db");
    await runStatements(target, [`create schema app`, `alter database "${db}" set search_path = app`]);
    const file = upstreamFile("1762100000000", [
      { type: "create_table", table: "notes", columns: { id: col("integer", { notNull: true }) } },
    ]);
    const { cli } = await upstreamProject(
      target,
      [{ file, sql: [`create table "notes" ("id" integer not null)`] }],
      [],
      `import { column, defineTable } from "kyrage";\nexport const notes = defineTable("notes", { id: column("integer", { notNull: true }) });\n`,
    );
    const [{ schema }] = await query<{ schema: string }>(
      target,
      "select relnamespace::regnamespace::text as schema from pg_class where relname = 'kysely_migration'",
    );
    assert.equal(schema, "app", "the fixture: Kysely's table went where the search_path said");
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 1, output(imported));
    assert.match(imported.stderr, /app\.kysely_migration/);
    assert.match(imported.stderr, /public/);
  },
  ["postgres"],
);

// ---------------------------------------------------------------------------------------------------------------
// Upstream compares its config's types with Kysely's introspected `dataType`, which has no length or precision
// ("varchar", "numeric", int4 read as "integer"): every generate after the first writes an alter_column from
// "varchar" to "varchar(255)" that changes nothing. Projects carry such files, applied and pending.
// Should: imported as no change (or the same type), applied without a rewrite or a refusal; plan, status and check
// empty after.
const SPURIOUS_1 = upstreamFile("1763000000000", [
  {
    type: "create_table",
    table: "accounts",
    columns: {
      id: col("integer", { primaryKey: true, notNull: true }),
      email: col("varchar(255)", { notNull: true }),
      balance: col("numeric(10, 2)", { defaultSql: "0" }),
    },
  },
  { type: "create_primary_key_constraint", table: "accounts", name: "accounts_id_primary_key", columns: ["id"] },
]);
const spuriousAlters = (id: string) =>
  upstreamFile(id, [
    {
      type: "alter_column",
      table: "accounts",
      column: "email",
      before: col("varchar", { notNull: true }),
      after: col("varchar(255)", { notNull: true }),
    },
    {
      type: "alter_column",
      table: "accounts",
      column: "balance",
      before: col("numeric", { defaultSql: "0" }),
      after: col("numeric(10, 2)", { defaultSql: "0" }),
    },
    {
      type: "alter_column",
      table: "accounts",
      column: "id",
      before: col("int4", { primaryKey: true, notNull: true }),
      after: col("integer", { primaryKey: true, notNull: true }),
    },
  ]);
const ACCOUNTS = `import { column as c, defineTable as t } from "kyrage";
export const accounts = t("accounts", {
  id: c("integer", { primaryKey: true }),
  email: c("varchar(255)", { notNull: true }),
  balance: c("numeric(10, 2)", { defaultSql: "0" }),
});
`;
backendTest(
  "upstream's no-op alter_column files (varchar to varchar(255)): import, apply, plan empty",
  async (target) => {
    const { cli } = await upstreamProject(
      target,
      [
        {
          file: SPURIOUS_1,
          sql: [
            `create table "accounts" ("id" integer not null, "email" varchar(255) not null, "balance" numeric(10, 2) default 0, constraint "accounts_id_primary_key" primary key ("id"))`,
            `insert into accounts values (1, 'a@x.io', 12.5)`,
          ],
        },
        {
          file: spuriousAlters("1763100000000"),
          sql: [
            `alter table "accounts" alter column "email" type varchar(255)`,
            `alter table "accounts" alter column "balance" type numeric(10, 2)`,
            `alter table "accounts" alter column "id" type integer`,
          ],
        },
      ],
      [spuriousAlters("1763200000000")],
      ACCOUNTS,
    );
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 0, output(imported));
    const status = await cli("status");
    assert.match(status.stdout, /Schema: matches what the applied migrations produce/, output(status));
    const applied = await cli("apply");
    assert.equal(applied.code, 0, output(applied));
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, output(plan));
    const replayed = await cli("check");
    assert.equal(replayed.code, 0, output(replayed));
    assert.deepEqual(await query(target, "select id, email, balance::text from accounts"), [
      { id: 1, email: "a@x.io", balance: "12.50" },
    ]);
  },
  ["postgres"],
);

// ---------------------------------------------------------------------------------------------------------------
// Upstream (c12) finds kyrage.config.js / .mjs / .mts / .cjs / .cts as well as .ts; kyrage reads kyrage.config.ts.
// Should: the refusal names the config the project has and how to use it. Did: "Config file not found:
// kyrage.config.ts. Create one", as if the project had none.
backendTest(
  "a project whose config is kyrage.config.mjs is told to pass it with --config, and that works",
  async (target) => {
    const dir = await tempProject({
      "kyrage.config.mjs": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ database: ${
        databaseBlock(target)
      }, tables: [defineTable("a", { id: column("integer") })] });
`,
    });
    const plan = await runCli(["plan"], { cwd: dir });
    assert.equal(plan.code, 1, output(plan));
    assert.match(plan.stderr, /kyrage\.config\.mjs is beside it.*--config .*kyrage\.config\.mjs/s);
    const told = await runCli(["plan", "--config", "kyrage.config.mjs"], { cwd: dir });
    assert.equal(told.code, 0, output(told));
    assert.match(told.stdout, /CREATE TABLE/);
  },
  ["postgres"],
);

// ---------------------------------------------------------------------------------------------------------------
// A pending file as upstream 1.5 writes it for two new tables that reference each other (one key `inline: false`,
// as upstream's cycle error asks), with camelCase names (Kysely quotes them, so the case is kept) and every
// referential action. Should: kyrage orders it (tables, then the keys) and applies it; plan empty after, with
// upstream's names, case kept.
const CYCLE = upstreamFile("1764000000000", [
  {
    type: "create_table",
    table: "orgUnits",
    columns: {
      unitId: col("integer", { primaryKey: true, notNull: true }),
      headPersonId: col("integer", { defaultSql: "0" }),
    },
  },
  {
    type: "create_table",
    table: "People",
    columns: { personId: col("integer", { primaryKey: true, notNull: true }), unitId: col("integer") },
  },
  {
    type: "create_primary_key_constraint",
    table: "orgUnits",
    name: "orgUnits_unitId_primary_key",
    columns: ["unitId"],
  },
  {
    type: "create_primary_key_constraint",
    table: "People",
    name: "People_personId_primary_key",
    columns: ["personId"],
  },
  { type: "create_index", table: "People", name: "idx_People_unitId", columns: ["unitId"], unique: false },
  {
    type: "create_foreign_key_constraint",
    table: "People",
    name: "fk_People_unitId",
    columns: ["unitId"],
    referencedTable: "orgUnits",
    referencedColumns: ["unitId"],
    onDelete: "set null",
    onUpdate: "restrict",
    inline: true,
  },
  {
    type: "create_foreign_key_constraint",
    table: "orgUnits",
    name: "fk_orgUnits_headPersonId",
    columns: ["headPersonId"],
    referencedTable: "People",
    referencedColumns: ["personId"],
    onDelete: "set default",
    onUpdate: "no action",
    inline: false,
  },
]);
const CYCLE_SCHEMA = `import { column as c, defineTable as t } from "kyrage";
export const orgUnits = t("orgUnits", {
  unitId: c("integer", { primaryKey: true }),
  headPersonId: c("integer", { defaultSql: "0" }),
}, (t) => [
  // people is not defined yet: upstream's reference takes any { tableName, columns }, so its users write one.
  t.reference("headPersonId", { tableName: "People", columns: { personId: c("integer") } }, "personId", {
    onDelete: "set default",
    onUpdate: "no action",
    inline: false,
  }),
]);
export const people = t("People", { personId: c("integer", { primaryKey: true }), unitId: c("integer") },
  (t) => [t.index(["unitId"]), t.reference("unitId", orgUnits, "unitId", { onDelete: "set null", onUpdate: "restrict" })]);
`;
backendTest(
  "a pending upstream file with a foreign key cycle and camelCase names applies; plan empty",
  async (target) => {
    const { cli } = await upstreamProject(target, [], [CYCLE], CYCLE_SCHEMA);
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 0, output(imported));
    const applied = await cli("apply");
    assert.equal(applied.code, 0, output(applied));
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, output(plan));
    const names = await query<{ name: string }>(
      target,
      `select conname::text as name from pg_constraint where contype <> 'n' and conrelid in ('"orgUnits"'::regclass, '"People"'::regclass)
     union all select 'idx_People_unitId' where to_regclass('"idx_People_unitId"') is not null order by 1`,
    );
    assert.deepEqual(names.map((n) => n.name), [
      "People_personId_primary_key",
      "fk_People_unitId",
      "fk_orgUnits_headPersonId",
      "idx_People_unitId",
      "orgUnits_unitId_primary_key",
    ]);
  },
);

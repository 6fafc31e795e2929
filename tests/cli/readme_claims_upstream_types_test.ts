/**
 * README "Coming from @izumisy/kyrage", claim by claim, as a user of @izumisy/kyrage 1.6.0 meets it: a project
 * whose database upstream migrated (`tests/support/upstream_project.ts`: Kysely's history tables and rows, data in
 * the tables), its config and DSL as upstream's README writes them, then `kyrage import-upstream`, `status`, `plan`,
 * `generate`, `apply`. Each test quotes the claim it holds the code to.
 *
 * This file: the column types, defaults and extensions upstream's users write plan empty after the import.
 */
import assert from "node:assert/strict";
import { backendTest, serverTest } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";
import { asFiles, col, history, KYSELY_TABLES, kyselyRow, runSql, upstreamFile } from "../support/upstream_project.ts";

// README: "Run `kyrage import-upstream` once" and "a plan right after import" on what upstream produced. Every
// PostgreSQL type Kysely (and so upstream's `column(type)`) accepts, spelled as upstream's config spells it.
const KYSELY_TYPES = [
  "bigint",
  "boolean",
  "bytea",
  "char",
  "char(3)",
  "date",
  "datemultirange",
  "daterange",
  "decimal",
  "decimal(10, 2)",
  "double precision",
  "float4",
  "float8",
  "int2",
  "int4",
  "int4multirange",
  "int4range",
  "int8",
  "int8multirange",
  "int8range",
  "integer",
  "json",
  "jsonb",
  "numeric",
  "numeric(8, 3)",
  "nummultirange",
  "numrange",
  "real",
  "smallint",
  "text",
  "time",
  "time(3)",
  "timestamp",
  "timestamp(3)",
  "timestamptz",
  "timestamptz(6)",
  "timetz",
  "timetz(2)",
  "tsmultirange",
  "tsrange",
  "tstzmultirange",
  "tstzrange",
  "uuid",
  "varchar",
  "varchar(40)",
];
const columnName = (type: string) => `c_${type.replace(/[^a-z0-9]+/g, "_").replace(/_$/, "")}`;

serverTest(
  "every type upstream's column() accepts: import, then plan and check are empty",
  async (_db, _dir, target) => {
    const file = upstreamFile("1760000000000", [
      {
        type: "create_table",
        table: "kinds",
        columns: {
          id: col("integer", { primaryKey: true, notNull: true }),
          ...Object.fromEntries(KYSELY_TYPES.map((type) => [columnName(type), col(type)])),
        },
      },
      { type: "create_primary_key_constraint", table: "kinds", name: "kinds_id_primary_key", columns: ["id"] },
    ]);
    await runSql(target, [
      ...KYSELY_TABLES,
      `create table "kinds" ("id" integer not null, ${
        KYSELY_TYPES.map((type) => `"${columnName(type)}" ${type}`).join(", ")
      }, constraint "kinds_id_primary_key" primary key ("id"))`,
      kyselyRow(file.id),
    ]);
    const dir = await tempProject({
      "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ naming: "kyrage-v1", database: ${databaseBlock(target)}, tables: [
  t("kinds", { id: c("integer", { primaryKey: true }), ${
        KYSELY_TYPES.map((type) => `${columnName(type)}: c(${JSON.stringify(type)})`).join(", ")
      } }),
] });`,
      ...asFiles([file]),
    });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const check = await cli("check");
    assert.equal(check.code, 0, check.stdout + check.stderr);
  },
);

// README: "Run `kyrage import-upstream` once [...] records those upstream applied [...]. Nothing is run." and
// "every installed extension (upstream cannot create one; `uuid-ossp` for `uuid_generate_v4()`)". Its users install
// one by hand; with the extension in the config, `plan` is empty, and the imported history must create it before
// upstream's first file, or every replay fails for good: `status`, `check` (and every `--dev`) exit 1 with "function
// uuid_generate_v4() does not exist".
backendTest(
  "an upstream table whose default needs a hand-installed extension: after import, status and check pass",
  async (target) => {
    const file = upstreamFile("1760000000000", [
      {
        type: "create_table",
        table: "tokens",
        columns: {
          id: col("uuid", { primaryKey: true, notNull: true, defaultSql: "uuid_generate_v4()" }),
          value: col("text"),
        },
      },
      { type: "create_primary_key_constraint", table: "tokens", name: "tokens_id_primary_key", columns: ["id"] },
    ]);
    await runSql(target, [
      `create extension if not exists "uuid-ossp"`,
      ...KYSELY_TABLES,
      `create table "tokens" ("id" uuid default uuid_generate_v4() not null, "value" text, constraint "tokens_id_primary_key" primary key ("id"))`,
      kyselyRow(file.id),
    ]);
    const dir = await tempProject({
      "kyrage.config.ts": `import { column as c, defineConfig, defineExtension, defineTable as t } from "kyrage";
export default defineConfig({
  naming: "kyrage-v1",
  database: ${databaseBlock(target)},
  extensions: [defineExtension("uuid-ossp")],
  tables: [t("tokens", { id: c("uuid", { primaryKey: true, defaultSql: "uuid_generate_v4()" }), value: c("text") })],
});`,
      ...asFiles([file]),
    });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    assert.equal((await cli("import-upstream")).code, 0);
    assert.deepEqual(await history(target), ["20251009085319999", "20251009085320000"], "the baseline holds it");
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const status = await cli("status");
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const check = await cli("check");
    assert.equal(check.code, 0, check.stdout + check.stderr);
  },
);

// README: "a plan right after import" on what upstream produced, and "defaults are compared". Defaults as upstream's
// users write `defaultSql`, which PostgreSQL stores in its own spelling (`'-1'::integer`, `CURRENT_TIMESTAMP`, ...).
const DEFAULTS: [string, string][] = [
  ["integer", "-1"],
  ["integer", "0"],
  ["bigint", "-9000000000"],
  ["numeric(10, 2)", "-1.50"],
  ["real", "1.5"],
  ["double precision", "-0.25"],
  ["boolean", "true"],
  ["text", "''"],
  ["text", "'it''s'"],
  ["varchar(20)", "'draft'"],
  ["char(2)", "'JP'"],
  ["date", "CURRENT_DATE"],
  ["date", "'2020-01-01'"],
  ["timestamptz", "CURRENT_TIMESTAMP"],
  ["timestamptz", "now() + interval '1 day'"],
  ["timestamp", "LOCALTIMESTAMP"],
  ["jsonb", "'{}'"],
  ["jsonb", "'[]'::jsonb"],
  ["json", "'{\"a\": 1}'"],
  ["uuid", "gen_random_uuid()"],
  ["text", "lower('ABC')"],
  ["int4range", "'[1,10)'"],
];

serverTest("defaults as upstream's users write them: import, then plan is empty", async (_db, _dir, target) => {
  const columns = DEFAULTS.map(([type, value], i) => ({ name: `d${i}`, type, value }));
  const file = upstreamFile("1760000000000", [
    {
      type: "create_table",
      table: "settings",
      columns: {
        id: col("integer", { primaryKey: true, notNull: true }),
        ...Object.fromEntries(columns.map((c) => [c.name, col(c.type, { defaultSql: c.value })])),
      },
    },
    { type: "create_primary_key_constraint", table: "settings", name: "settings_id_primary_key", columns: ["id"] },
  ]);
  await runSql(target, [
    ...KYSELY_TABLES,
    `create table "settings" ("id" integer not null, ${
      columns.map((c) => `"${c.name}" ${c.type} default ${c.value}`).join(", ")
    }, constraint "settings_id_primary_key" primary key ("id"))`,
    kyselyRow(file.id),
  ]);
  const dir = await tempProject({
    "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ naming: "kyrage-v1", database: ${databaseBlock(target)}, tables: [
  t("settings", { id: c("integer", { primaryKey: true }), ${
      columns.map((c) => `${c.name}: c(${JSON.stringify(c.type)}, { defaultSql: ${JSON.stringify(c.value)} })`).join(
        ", ",
      )
    } }),
] });`,
    ...asFiles([file]),
  });
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const imported = await cli("import-upstream");
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  const plan = await cli("plan", "--exit-code");
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  const status = await cli("status");
  assert.match(status.stdout, /Schema: matches what the applied migrations produce/, status.stdout + status.stderr);
});

// README: "defaults are compared, so default changes upstream never emitted now show". A default PostgreSQL stores
// with a cast of its own (`'JP'::bpchar` for a char(2), `'-0.25'::numeric` for a double precision, `'-1'::integer`
// for a smallint, `'-1.5'::numeric` for a real, `'12:00:00'::time without time zone`) is taken for a change every time: even kyrage's own generated and applied migration plans `SET DEFAULT` again, for ever.
serverTest(
  "char(n), time and negative smallint/real/double precision defaults: generate, apply, then plan is empty",
  async (_db, _dir, target) => {
    const dir = await tempProject({
      "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ database: ${databaseBlock(target)}, tables: [
  t("s", {
    id: c("integer", { primaryKey: true }),
    country: c("char(2)", { defaultSql: "'JP'" }),
    offset: c("double precision", { defaultSql: "-0.25" }),
    delta: c("smallint", { defaultSql: "-1" }),
    ratio: c("real", { defaultSql: "-1.5" }),
    opens: c("time", { defaultSql: "'12:00'" }),
  }),
] });`,
    });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    assert.equal((await cli("generate")).code, 0);
    assert.equal((await cli("apply")).code, 0);
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  },
);

/**
 * Which schemas kyrage owns: with `schemas` in the config, a managed schema's
 * undeclared objects are dropped (through the destructive gate), a missing
 * managed schema is created, and unlisted schemas are never touched.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, type Config, defineEnum, defineTable } from "../../src/config/dsl.ts";
import type { Database } from "../../src/dialect/database.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { loadConfig } from "../../src/config/load.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, generateAndApply, loaded, plan } from "../support/pipeline.ts";

const users = defineTable("users", { id: column("int", { primaryKey: true }) });
const state = defineEnum("archive.state", ["open", "closed"]);
const oldOrders = defineTable("archive.old_orders", { id: column("int"), state: column(state) });

async function tablesIn(database: Database, schema: string): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind = 'r' order by 1`.execute(database.db);
  return rows.rows.map((r) => r.name);
}

async function schemaExists(database: Database, schema: string): Promise<boolean> {
  const rows = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(database.db);
  return rows.rows.length === 1;
}

databaseTest(
  "a managed schema's undeclared tables and enums are dropped through the gate; unlisted schemas are untouched",
  async (database, dir) => {
    await converge(database, dir, { tables: [users, oldOrders] });
    await sql`create schema other`.execute(database.db);
    await sql`create table other.keep (x int)`.execute(database.db);

    // By default a schema is managed only while the config uses it: archive is left alone.
    assert.deepEqual(await plan(database, loaded({ tables: [users] }, dir)), []);

    const owned: Config = { schemas: ["public", "archive"], tables: [users] };
    const ops = await plan(database, loaded(owned, dir));
    assert.deepEqual(ops.map((op) => `${op.kind} ${"schema" in op ? op.schema : ""}`), [
      "drop_table archive",
      "drop_enum archive",
    ]);
    await assert.rejects(
      generateMigration(database, loaded(owned, dir)),
      (e: Error) => e instanceof KyrageError && /destructive/.test(e.message) && /archive\.old_orders/.test(e.message),
    );
    await converge(database, dir, owned);
    assert.deepEqual(await tablesIn(database, "archive"), []);
    assert.ok(await schemaExists(database, "archive"), "the schema itself stays");
    assert.deepEqual(await tablesIn(database, "other"), ["keep"], "an unlisted schema is untouched");

    // public unlisted: its tables are not kyrage's any more.
    assert.deepEqual(await plan(database, loaded({ schemas: ["archive"], tables: [] }, dir)), []);
    assert.deepEqual(await tablesIn(database, "public"), ["kyrage_migrations", "users"]);
  },
);

databaseTest("an empty managed schema is created, and then plans empty", async (database, dir) => {
  const config: Config = { schemas: ["public", "archive"], tables: [users] };
  const ops = await generateAndApply(database, loaded(config, dir));
  assert.deepEqual(ops.map((op) => `${op.kind} ${"schema" in op ? op.schema : ""}`), [
    "create_schema archive",
    "create_table public",
  ]);
  assert.ok(await schemaExists(database, "archive"));
  assert.deepEqual(await plan(database, loaded(config, dir)), []);
});

databaseTest("pull writes every schema it pulled, and the pulled config re-plans empty", async (database, dir) => {
  await sql`create schema archive`.execute(database.db);
  await sql`create schema empty_one`.execute(database.db);
  await sql`create table archive.old (id int primary key)`.execute(database.db);
  await sql`create table public.users (id int)`.execute(database.db);
  const pulled = await pullDatabase(database, ["public", "archive", "empty_one", "missing"]);
  assert.match(pulled.source, /^export const schemas = \["archive", "empty_one", "public"\];$/m);
  await Deno.writeTextFile(`${dir}/schema.ts`, pulled.source);
  await Deno.writeTextFile(
    `${dir}/kyrage.config.ts`,
    `import { defineConfig } from "kyrage";\nimport { enums, schemas, tables } from "./schema.ts";\n` +
      "export default defineConfig({ tables, enums, schemas });\n",
  );
  const config = await loadConfig(`${dir}/kyrage.config.ts`);
  assert.deepEqual(config.desired.schemas, ["archive", "empty_one", "public"]);
  assert.deepEqual(await plan(database, config), []);
});

Deno.test("objects outside the listed schemas, duplicates and system schemas are config errors naming them", () => {
  const refused = (config: Config, ...patterns: RegExp[]) =>
    assert.throws(
      () => loaded(config, "/project"),
      (e: Error) => e instanceof KyrageError && patterns.every((p) => p.test(e.message)),
    );
  refused(
    { schemas: ["public"], tables: [users, oldOrders] },
    /tables\[1\]\.name/,
    /table archive\.old_orders is in schema archive, which is not in schemas \(public\)/,
  );
  refused({ schemas: ["public"], tables: [], enums: [state] }, /type archive\.state is in schema archive/);
  refused({ schemas: ["public", "public"], tables: [] }, /schemas\[1\]/, /duplicate schema "public"/);
  refused({ schemas: ["pg_catalog"], tables: [] }, /"pg_catalog" is a system schema/);
  assert.deepEqual(loaded({ tables: [oldOrders] }, "/project").desired.schemas, ["archive", "public"]);
});

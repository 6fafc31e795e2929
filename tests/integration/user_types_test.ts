/**
 * Composite and range types on both backends: pulled from a database that
 * uses them (arrays and multiranges too) and applied to an empty one with
 * the same result; created, changed in place, used by a column converted
 * with its data, and dropped, converging each time; changes PostgreSQL
 * cannot make while the type is in use refused before anything is written.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { loadConfig } from "../../src/config/load.ts";
import type { Database } from "../../src/dialect/database.ts";
import { introspect } from "../../src/dialect/postgres/introspect.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { backendTest, createTestDatabase, type TestDatabase } from "../support/backends.ts";
import { generateAndApply, plan } from "../support/pipeline.ts";
import { statements } from "../support/sql_schemas.ts";

const SOURCE = `
create schema billing;
create type mood as enum ('sad', 'ok', 'happy');
create type floatrange as range (subtype = float8, subtype_diff = float8mi);
create type billing.money_range as range (subtype = numeric);
create type textrange as range (
  subtype = text, collation = "C", subtype_opclass = text_pattern_ops, multirange_type_name = textranges
);
create type point3 as (x float8, y float8, z float8);
create type label as (name text collate "C", moods mood[], span floatrange);
create type shape as (origin point3, corners point3[], area billing.money_range);
create table shapes (
  id int primary key,
  shape shape not null,
  points point3[],
  span floatrange,
  spans floatrange[] not null default '{}',
  many floatmultirange,
  price billing.money_range,
  prices billing.money_range[],
  label label,
  words textrange,
  more_words textranges
);
insert into shapes (id, shape, points, span, price, label)
values (1, '("(0,0,0)","{""(1,1,1)""}","[1,2)")', '{"(1,2,3)"}', '[1.5,2)', '[10,20)', '(x,{sad},"[0,1)")');
`;

async function pgDump(target: TestDatabase): Promise<string[]> {
  const out = await new Deno.Command("pg_dump", {
    args: ["--schema-only", "--no-owner", target.databaseUrl!],
    stdout: "piped",
  }).output();
  assert.ok(out.success, "pg_dump runs");
  return new TextDecoder().decode(out.stdout).split("\n")
    .filter((l) => l.trim() && !/^(--|SET |SELECT pg_catalog|\\)/.test(l))
    .sort();
}

async function load(database: Database, script: string): Promise<void> {
  for (const statement of statements(script)) await sql.raw(statement).execute(database.db);
}

backendTest("pull round-trips composite and range types, their arrays and multiranges", async (d) => {
  const schemas = ["public", "billing"];
  const dir = await Deno.makeTempDir({ prefix: "kyrage-pull-types-" });
  const source = await d.open();
  const e = await createTestDatabase(d.backend);
  const empty = await e.open();
  try {
    await load(source, SOURCE);
    const pulled = await pullDatabase(source, schemas);
    assert.deepEqual(pulled.unsupported, [], "nothing is left out (range constructors are part of their type)");
    await Deno.writeTextFile(`${dir}/schema.ts`, pulled.source);
    await Deno.writeTextFile(
      `${dir}/kyrage.config.ts`,
      `import { defineConfig } from "kyrage";\nimport { enums, tables, types } from "./schema.ts";\n` +
        `export default defineConfig({ tables, enums, types });\n`,
    );
    const fmt = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--check", `${dir}/schema.ts`],
      cwd: dir,
      stderr: "piped",
    }).output();
    assert.ok(fmt.success, `deno fmt clean:\n${new TextDecoder().decode(fmt.stderr)}\n${pulled.source}`);
    const config = await loadConfig(`${dir}/kyrage.config.ts`);
    assert.deepEqual(await plan(source, config), [], "the pulled schema plans empty against the source");
    await generateAndApply(empty, config);
    assert.deepEqual(await plan(empty, config), [], "re-plan is empty");
    const options = { schemas, excludeTables: [HISTORY_QUALIFIED] };
    assert.deepEqual(await introspect(empty.db, options), await introspect(source.db, options), "same catalog");
    if (d.backend === "postgres") {
      await sql`drop table ${sql.table(HISTORY_QUALIFIED)}`.execute(empty.db);
      assert.deepEqual(await pgDump(e), await pgDump(d));
    }
  } finally {
    await source.close();
    await empty.close();
    await e.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

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
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { column, type Config, defineCompositeType, defineEnum, defineRangeType, defineTable } from "../../src/mod.ts";
import { backendTest, createTestDatabase, databaseTest, type TestDatabase } from "../support/backends.ts";
import { converge, generateAndApply, loaded, plan } from "../support/pipeline.ts";
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

const point3 = (attributes: Parameters<typeof defineCompositeType>[1]) => defineCompositeType("point3", attributes);
const floatrange = defineRangeType("floatrange", { subtype: "float8", subtypeDiff: "float8mi" });
const shapes = (columns: Parameters<typeof defineTable>[1], constraints?: Parameters<typeof defineTable>[2]) =>
  defineTable("shapes", { id: column("int", { primaryKey: true }), ...columns }, constraints);

async function rows(database: Database, query: string): Promise<unknown[]> {
  return (await sql.raw(query).execute(database.db)).rows;
}

const kinds = (ops: readonly { kind: string }[]) => ops.map((op) => op.kind);

databaseTest(
  "composite and range types converge: created, changed in place with data, used by a converted column, dropped",
  async (database, dir) => {
    const p3 = point3({ x: "float8", y: "float8", z: "float8" });
    const segment = defineCompositeType("segment", { a: p3, b: p3, span: floatrange });
    const v1: Config = {
      tables: [shapes({ p: column(p3), ps: column("point3[]"), seg: column(segment), label: column("text") })],
    };
    assert.deepEqual(kinds(await converge(database, dir, v1)), [
      "create_range_type",
      "create_composite_type",
      "create_composite_type",
      "create_table",
    ]);
    await rows(
      database,
      `insert into shapes values (1, '(1,2,3)', '{"(4,5,6)"}', '("(0,0,0)","(1,1,1)","[0,1)")', '(7,8,9,10)')`,
    );

    // An attribute appended while columns store the type: in place, values kept; a default and
    // a check using the new attribute normalize against the desired type.
    const p4 = point3({ x: "float8", y: "float8", z: "float8", w: "float8" });
    const v2 = (label: Parameters<typeof column>[0]): Config => ({
      tables: [
        shapes({
          p: column(p4),
          ps: column("point3[]"),
          seg: column(defineCompositeType("segment", { a: p4, b: p4, span: floatrange })),
          label: column(label),
          origin: column(p4, { defaultSql: "'(0,0,0,0)'" }),
        }, (t) => [t.check("(p).w IS NULL OR (p).w > 0"), t.check("((seg).a).w IS NULL", { name: "seg_w" })]),
      ],
    });
    // Online (the default): the checks on the existing table are added NOT VALID, then validated.
    assert.deepEqual(kinds(await converge(database, dir, v2("text"))), [
      "alter_composite_type",
      "add_column",
      "add_check",
      "add_check",
      "validate_constraint",
      "validate_constraint",
    ]);
    assert.deepEqual(await rows(database, "select (p).x, (p).w, (ps[1]).z, ((seg).b).x as bx from shapes"), [
      { x: 1, w: null, z: 6, bx: 1 },
    ]);

    // A text column converted to the composite, with its data.
    assert.deepEqual(kinds(await converge(database, dir, v2(p4))), ["alter_column"]);
    assert.deepEqual(await rows(database, "select (label).x, (label).w from shapes"), [{ x: 7, w: 10 }]);

    // An attribute dropped: its values go, the others stay.
    const p2 = point3({ x: "float8", z: "float8", w: "float8" });
    const v4: Config = {
      tables: [
        shapes({
          p: column(p2),
          seg: column(defineCompositeType("segment", { a: p2, b: p2, span: floatrange })),
          label: column(p2),
        }),
      ],
    };
    await converge(database, dir, v4);
    assert.deepEqual(await rows(database, "select (p).x, (p).z, (label).w from shapes"), [{ x: 1, z: 3, w: 10 }]);

    // Dropped: the columns first, then segment before the types it uses.
    const ops = await converge(database, dir, { tables: [shapes({})] });
    assert.deepEqual(ops.slice(-3).map((op) => `${op.kind} ${"name" in op ? op.name : ""}`), [
      "drop_composite_type segment",
      "drop_range_type floatrange",
      "drop_composite_type point3",
    ]);
    const model = await introspect(database.db, { schemas: ["public"] });
    assert.deepEqual([model.composites, model.ranges], [[], []]);
  },
);

/** generate refuses (naming `expected`) and writes nothing. */
async function refused(database: Database, dir: string, config: Config, expected: RegExp): Promise<void> {
  const before = (await readMigrations(`${dir}/migrations`)).length;
  await assert.rejects(
    () => generateMigration(database, loaded(config, dir), { allowDestructive: true }),
    (e) => e instanceof KyrageError && expected.test(e.message),
  );
  assert.equal((await readMigrations(`${dir}/migrations`)).length, before, "no migration written");
}

databaseTest(
  "an attribute is not retyped while a column stores its composite (even nested); it is once none does",
  async (database, dir) => {
    const segment = (y: string) =>
      defineCompositeType("segment", { a: point3({ x: "float8", y }), b: point3({ x: "float8", y }) });
    await converge(database, dir, { tables: [shapes({ seg: column(segment("float8")) })] });
    await rows(database, `insert into shapes values (1, '("(1,2)","(3,4)")')`);
    await refused(
      database,
      dir,
      { tables: [shapes({ seg: column(segment("numeric")) })] },
      /public\.point3\.y changes \(double precision → numeric\), which PostgreSQL refuses while column public\.shapes\.seg store/,
    );
    // Dropped in the same change, the column no longer stands in the way.
    const ops = await converge(database, dir, { tables: [shapes({})], types: [segment("numeric")] });
    assert.deepEqual(kinds(ops), ["drop_column", "alter_composite_type"]);
  },
);

databaseTest("a range type in use is not rebuilt; an unused one is", async (database, dir) => {
  const spare = (subtype: string) => defineRangeType("spare_range", { subtype });
  await converge(database, dir, { tables: [shapes({ r: column(floatrange) })], types: [spare("int4")] });
  await refused(
    database,
    dir,
    { tables: [shapes({ r: column(defineRangeType("floatrange", { subtype: "numeric" })) })], types: [spare("int4")] },
    /public\.floatrange must be dropped and created again \(its definition changes .*\), but column public\.shapes\.r use/,
  );
  const ops = await converge(database, dir, { tables: [shapes({ r: column(floatrange) })], types: [spare("int8")] });
  assert.deepEqual(kinds(ops), ["recreate_range_type"]);
});

databaseTest(
  "a composite in use is not rebuilt, nor dropped while an unmanaged object uses it",
  async (database, dir) => {
    await converge(database, dir, { tables: [shapes({ p: column(point3({ x: "float8", y: "float8" })) })] });
    await refused(
      database,
      dir,
      { tables: [shapes({ p: column(point3({ y: "float8", x: "float8" })) })] },
      /public\.point3 must be dropped and created again \(its attributes reordered.*\), but column public\.shapes\.p use/,
    );
    // Unused, it is rebuilt.
    const spare = (attributes: Parameters<typeof defineCompositeType>[1]) => defineCompositeType("spare", attributes);
    await converge(database, dir, {
      tables: [shapes({ p: column(point3({ x: "float8", y: "float8" })) })],
      types: [spare({ a: "int", b: "text" })],
    });
    const ops = await converge(database, dir, {
      tables: [shapes({ p: column(point3({ x: "float8", y: "float8" })) })],
      types: [spare({ c: "int", b: "text" })],
    });
    assert.deepEqual(kinds(ops), ["recreate_composite_type"]);
    await converge(database, dir, { tables: [shapes({ p: column(point3({ x: "float8", y: "float8" })) })] });
    await rows(database, "create function norm(point3) returns float8 language sql as 'select 1::float8'");
    await refused(database, dir, { tables: [shapes({})] }, /public\.point3 is still used by function norm\(point3\)/);
  },
);

databaseTest("an enum used by a composite type is not rebuilt", async (database, dir) => {
  const feeling = (values: string[]) => defineCompositeType("feeling", { m: defineEnum("mood", values) });
  await converge(database, dir, { tables: [], types: [feeling(["sad", "ok"])] });
  await refused(
    database,
    dir,
    { tables: [], types: [feeling(["ok", "sad"])] },
    /public\.mood is rebuilt .*, but attribute m of composite type public\.feeling use/,
  );
});

databaseTest("a type unknown to PostgreSQL inside a composite is refused before planning", async (database, dir) => {
  await assert.rejects(
    () => plan(database, loaded({ tables: [], types: [point3({ x: "flaot8" })] }, dir)),
    (e) => e instanceof KyrageError && e.message.includes('"flaot8" (attribute x of composite type public.point3)'),
  );
});

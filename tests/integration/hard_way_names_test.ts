/**
 * Hostile names the hard way (the rest of the hard way is hard_way_test.ts):
 * quotes, backslashes, `$$`, `%`, unicode, spaces, upper case, dots,
 * reserved words and 63-byte names in the object kinds objects_hostile_test
 * leaves out — enums and their labels, composite and range types,
 * partitions, comments holding `*\/` and `--`, index and constraint names,
 * function argument names — each declared, applied, re-planned to no
 * changes, then renamed and dropped, and re-planned to no changes again.
 *
 * README (Config reference): "A name holding a dot is quoted as in SQL"; (Safety) tested with "hostile
 * identifiers (quotes, spaces, dots, `$$`, unicode, reserved words, 63-byte names)".
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  column,
  type Config,
  defineCompositeType,
  defineEnum,
  defineFunction,
  defineMaterializedView,
  definePartition,
  definePolicy,
  defineRangeType,
  defineSequence,
  defineTable,
  defineTrigger,
  defineView,
} from "../../src/config/dsl.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";

/** SQL spelling of one identifier. */
const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
const SCHEMA = 'Sch.é "$$" 100%\\';
const S = q(SCHEMA);
const long = (c: string) => c.repeat(31) + "x"; // 63 bytes with a two-byte character
const COMMENT = "ends */ then -- a line, $$ and 'quotes' and \\ and %s";
const LABELS = ["it's", "a\\b", "$$", "100%", "ü ñ", "With Space", "select", long("é")];

function config(renamed: boolean): Config {
  const mood = defineEnum(
    `${S}.${q('Mood "q"')}`,
    renamed ? [...LABELS.slice(0, 2), "new'$$one", ...LABELS.slice(2)] : LABELS,
  );
  const address = defineCompositeType(`${S}.${q("addr.ess")}`, { "st reet": "text", 'Ci"ty': "text" });
  const span = defineRangeType(`${S}.${q("Range $$")}`, { subtype: "float8", subtypeDiff: "float8mi" });
  const tableName = `${S}.${q(renamed ? 'Tab.le "2" $$' : 'Tab.le "1" $$')}`;
  const valueColumn = renamed ? "Va l\\ue" : 'Co l"';
  const table = defineTable(
    tableName,
    {
      [long("ä")]: column("int", { primaryKey: true }),
      [valueColumn]: column(mood, { comment: COMMENT, ...(renamed ? { renamedFrom: 'Co l"' } : {}) }),
      "%d": column(address),
      "select": column("int", { defaultSql: "0" }),
      "Rng": column(span),
    },
    (t) => [
      t.check(`"select" >= 0`, { name: "chk */ --" }),
      t.unique(["select", valueColumn], { name: 'uq "%s"' }),
      t.index(["Rng"], { using: "gist", name: long("ß") }),
      t.index([{ expression: `("%d")."st reet"` }], { name: "idx \\ $$" }),
    ],
    { comment: COMMENT, rowLevelSecurity: true, ...(renamed ? { renamedFrom: q('Tab.le "1" $$') } : {}) },
  );
  const parts = defineTable(`${S}.${q('Parts "p"')}`, { "At.x": column("date", { notNull: true }) }, undefined, {
    partitionBy: { strategy: "range", keys: ["At.x"] },
  });
  const fn = defineFunction(`${S}.${q('fn "$$"')}`, {
    args: [{ name: 'a"b', type: "int" }, { name: "select", type: "text", default: "'$$'" }],
    returns: "text",
    language: "sql",
    body: `select '$$ */ --' || "select" || "a""b"::text`,
    comment: COMMENT,
  });
  const touch = defineFunction(`${S}.${q("touch.")}`, {
    returns: "trigger",
    language: "plpgsql",
    body: `begin new."select" := coalesce(new."select", 0); return new; end`,
  });
  return {
    schemas: ["public", SCHEMA],
    enums: [mood],
    types: [address, span],
    tables: [
      table,
      parts,
      definePartition(`${S}.${q('p 2024 "q"')}`, parts, { from: ["2024-01-01"], to: ["2025-01-01"] }),
      ...(renamed ? [] : [definePartition(`${S}.${q("p.def")}`, parts, "DEFAULT")]),
    ],
    functions: [fn, touch],
    triggers: [
      defineTrigger(`tr "x" */`, { table, timing: "before", events: ["insert"], forEach: "row", function: touch }),
    ],
    policies: renamed ? [] : [definePolicy('pol %s ""', { table, using: `"select" >= 0` })],
    sequences: renamed ? [] : [defineSequence(`${S}.${q('seq\\ "%"')}`, { start: 7, comment: COMMENT })],
    views: [
      defineView(`${S}.${q("Vi ew")}`, `select "select", ${S}.${q('fn "$$"')}("select") as f from ${tableName}`, {
        comment: COMMENT,
      }),
      ...(renamed ? [] : [
        defineMaterializedView(
          `${S}.${q("mv $$")}`,
          `select "select" from ${tableName}`,
          (m) => [m.index(["select"], { name: 'mv idx "" %' })],
        ),
      ]),
    ],
  };
}

databaseTest(
  "hostile names in enums, types, partitions, comments, index and constraint names",
  async (database, dir) => {
    await converge(database, dir, config(false));
    const table = sql.id(SCHEMA, 'Tab.le "1" $$');
    await sql`insert into ${table} (${sql.id(long("ä"))}, ${sql.id('Co l"')}) values (1, ${"it's"})`.execute(
      database.db,
    );
    const comments = await sql<{ c: string }>`select obj_description(${`${S}.${q('Tab.le "1" $$')}`}::regclass) as c`
      .execute(database.db);
    assert.equal(comments.rows[0].c, COMMENT, "the comment is stored as written");
    // Renamed: the table and a column; an enum label added; a partition, policy, sequence, matview dropped.
    await converge(database, dir, config(true));
    const rows = await sql<{ v: string }>`select ${sql.id("Va l\\ue")}::text as v from ${
      sql.id(SCHEMA, 'Tab.le "2" $$')
    }`.execute(database.db);
    assert.deepEqual(rows.rows, [{ v: "it's" }], "the renamed table kept its row");
    assert.deepEqual(await plan(database, loaded(config(true), dir)), []);
  },
);

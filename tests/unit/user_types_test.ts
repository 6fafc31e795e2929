/**
 * Composite and range types in the config → the model, the mistakes refused
 * when the config loads, and what the destructive gate says about them.
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/load.ts";
import { destructiveChanges } from "../../src/diff/destructive.ts";
import { diffSchemas } from "../../src/diff/diff.ts";
import { KyrageError } from "../../src/errors.ts";
import { column, type Config, defineCompositeType, defineEnum, defineRangeType, defineTable } from "../../src/mod.ts";

const load = (config: Config) => validateConfig(config, "/test/kyrage.config.ts").desired;

function refused(config: Config, message: RegExp): void {
  assert.throws(() => load(config), (e) => e instanceof KyrageError && message.test(e.message));
}

Deno.test("user types: normal form of attributes and range options; used types included, schemas added", () => {
  const mood = defineEnum("mood", ["a"]);
  const money = defineRangeType("billing.money_range", {
    subtype: "NUMERIC",
    collation: undefined,
    subtypeDiff: "pg_catalog.numeric_sub",
    multirangeTypeName: "public.monies",
  });
  const label = defineCompositeType("label", {
    name: { type: "varchar(20)", collation: "C" },
    m: mood,
    ms: "mood[]",
    price: money,
  });
  const model = load({ tables: [defineTable("t", { l: column(label) })] });
  assert.deepEqual(model.schemas, ["billing", "public"]);
  assert.deepEqual(model.enums.map((e) => e.name), ["mood"]);
  assert.deepEqual(model.composites, [{
    schema: "public",
    name: "label",
    attributes: [
      { name: "name", type: "character varying(20)", collation: '"C"' },
      { name: "m", type: "mood" },
      { name: "ms", type: "mood[]" },
      { name: "price", type: "billing.money_range" },
    ],
  }]);
  assert.deepEqual(model.ranges, [{
    schema: "billing",
    name: "money_range",
    definition: { subtype: "numeric", subtypeDiff: "numeric_sub", multirange: { schema: "public", name: "monies" } },
  }]);
  assert.equal(model.tables[0].columns[0].type, "label");
});

Deno.test("user types: a multirange name in the range's own schema, derived or not", () => {
  const ranges = load({
    tables: [],
    types: [
      defineRangeType("billing.a_range", { subtype: "int4", multirangeTypeName: "a_multirange" }),
      defineRangeType("billing.b_range", { subtype: "int4", multirangeTypeName: "b_ranges" }),
    ],
  }).ranges;
  assert.deepEqual(ranges.map((r) => r.definition.multirange), [undefined, { schema: "billing", name: "b_ranges" }]);
});

Deno.test("user types: mistakes are refused when the config loads, naming where", () => {
  const point = (attributes: Parameters<typeof defineCompositeType>[1]) => defineCompositeType("point", attributes);
  refused(
    { tables: [defineTable("t", { a: column(point({ x: "int" })), b: column(point({ y: "int" })) })] },
    /tables\[0\]\.columns\.b\.type \(table "t"\): composite type "point" is defined twice with different definitions \(also at tables\[0\]\.columns\.a\.type\)/,
  );
  refused(
    { tables: [], types: [defineRangeType("r", { subtype: "numeric(10,2)" })] },
    /types\[0\]\.subtype: range type "r" has subtype numeric\(10,2\), but a range keeps no type modifiers/,
  );
  refused({ tables: [], types: [point({ id: "serial" })] }, /types\[0\]\.attributes\.id: serial is a column shorthand/);
  refused(
    { tables: [defineTable("point", { id: column("int") })], types: [point({ x: "int" })] },
    /the name "point" is used twice in schema public: by table public\.point and by composite type public\.point/,
  );
  refused(
    { tables: [], types: [defineRangeType("moodrange", { subtype: "int4" }), defineEnum("moodmultirange", ["a"])] },
    /"moodmultirange" is used twice in schema public: by enum public\.moodmultirange and by multirange type/,
  );
  refused(
    { tables: [], types: [point({ ["x".repeat(64)]: "int" })] },
    /types\[0\]\.attributes\.x+: "x+" is 64 bytes long/,
  );
});

Deno.test("user types: dropping a type or attributes goes through the destructive gate; adding or rebuilding does not", () => {
  const point = (attributes: Parameters<typeof defineCompositeType>[1]) => defineCompositeType("point", attributes);
  const span = (subtype: string) => defineRangeType("span", { subtype });
  const gate = (from: Config, to: Config) => destructiveChanges(diffSchemas(load(from), load(to))).map((d) => d.loses);
  const v1: Config = { tables: [], types: [point({ x: "int", y: "int" }), span("int4")] };
  assert.deepEqual(gate(v1, { tables: [] }), [
    "composite type public.point (x integer, y integer)",
    "range type public.span (of integer)",
  ]);
  assert.deepEqual(gate(v1, { tables: [], types: [point({ x: "int" }), span("int4")] }), [
    "attributes y of composite type public.point, and their values wherever the type is stored",
  ]);
  assert.deepEqual(gate(v1, { tables: [], types: [point({ x: "int", y: "int", z: "int" }), span("int8")] }), []);
  assert.deepEqual(gate(v1, { tables: [], types: [point({ y: "int", x: "int" }), span("int4")] }), []);
});

/** Functions, procedures and triggers: operation → exact SQL. */
import assert from "node:assert/strict";
import { compileOperation } from "../../src/dialect/postgres/compile.ts";
import type { Operation } from "../../src/diff/operations.ts";
import type { FunctionObject, ProcedureObject, TriggerObject } from "../../src/model/objects.ts";

const greet: FunctionObject = {
  kind: "function",
  schema: "public",
  name: "greet",
  identityArguments: "who text",
  arguments: [{ name: "who", type: "text", default: "'world'::text" }],
  returns: "text",
  language: "sql",
  body: "select 'hello ' || who",
  volatility: "stable",
  strict: false,
  leakproof: false,
  parallel: "safe",
  cost: 100,
  rows: 0,
  securityDefiner: true,
  settings: ['search_path="My Schema", public, ""', "statement_timeout=5s"],
  comment: "Says hello",
};
const plusOne: FunctionObject = {
  ...greet,
  name: "plus_one",
  identityArguments: "x integer",
  arguments: [{ name: "x", type: "integer" }],
  returns: "integer",
  body: "RETURN (x + 1)",
  volatility: "immutable",
  strict: true,
  parallel: "unsafe",
  securityDefiner: false,
  settings: [],
  comment: undefined,
};
const archive: ProcedureObject = {
  kind: "procedure",
  schema: "ops",
  name: "archive",
  identityArguments: "IN days integer, INOUT moved bigint",
  arguments: [{ name: "days", type: "integer" }, { name: "moved", type: "bigint", mode: "inout" }],
  language: "plpgsql",
  body: "begin moved := 0; end $kyrage$",
  securityDefiner: false,
  settings: [],
};
const touch: TriggerObject = {
  kind: "trigger",
  schema: "public",
  name: "users_touch",
  table: "users",
  timing: "before",
  events: ["insert", "update"],
  updateColumns: ["name", "email"],
  forEach: "row",
  when: "new.name IS NOT NULL",
  function: { schema: "public", name: "touch" },
  arguments: ["a", "it's"],
  enabled: "disabled",
};

const CASES: [Operation, string[]][] = [
  [
    { kind: "create_object", object: greet },
    [
      `CREATE FUNCTION "public"."greet"("who" text DEFAULT 'world'::text)\nRETURNS text\nLANGUAGE "sql"\nSTABLE\n` +
      `PARALLEL SAFE\nCOST 100\nSECURITY DEFINER\nSET search_path TO 'My Schema', 'public', ''\n` +
      `SET statement_timeout TO '5s'\nAS $kyrage$select 'hello ' || who$kyrage$`,
      `COMMENT ON FUNCTION "public"."greet"(who text) IS 'Says hello'`,
    ],
  ],
  [
    { kind: "create_object", object: plusOne },
    [`CREATE FUNCTION "public"."plus_one"("x" integer)\nRETURNS integer\nLANGUAGE "sql"\nIMMUTABLE\nSTRICT\nCOST 100\nRETURN (x + 1)`],
  ],
  [
    { kind: "create_object", object: archive },
    [
      `CREATE PROCEDURE "ops"."archive"("days" integer, INOUT "moved" bigint)\nLANGUAGE "plpgsql"\n` +
      "AS $kyrage1$begin moved := 0; end $kyrage$$kyrage1$",
    ],
  ],
  [{ kind: "drop_object", object: archive }, [`DROP PROCEDURE "ops"."archive"(IN days integer, INOUT moved bigint)`]],
  [
    { kind: "alter_object", from: greet, to: { ...greet, comment: undefined } },
    [`COMMENT ON FUNCTION "public"."greet"(who text) IS NULL`],
  ],
  [
    { kind: "alter_object", from: plusOne, to: { ...plusOne, body: "RETURN (x + 2)" } },
    [`CREATE OR REPLACE FUNCTION "public"."plus_one"("x" integer)\nRETURNS integer\nLANGUAGE "sql"\nIMMUTABLE\nSTRICT\nCOST 100\nRETURN (x + 2)`],
  ],
  [
    { kind: "create_object", object: touch },
    [
      `CREATE TRIGGER "users_touch" BEFORE INSERT OR UPDATE OF "name", "email"\nON "public"."users" FOR EACH ROW\n` +
      `WHEN (new.name IS NOT NULL)\nEXECUTE FUNCTION "public"."touch"('a', 'it''s')`,
      `ALTER TABLE "public"."users" DISABLE TRIGGER "users_touch"`,
    ],
  ],
  [{ kind: "drop_object", object: touch }, [`DROP TRIGGER "users_touch" ON "public"."users"`]],
  [
    { kind: "alter_object", from: touch, to: { ...touch, enabled: "always" } },
    [`ALTER TABLE "public"."users" ENABLE ALWAYS TRIGGER "users_touch"`],
  ],
  [
    {
      kind: "alter_object",
      from: touch,
      to: { ...touch, events: ["delete"], updateColumns: undefined, when: undefined },
    },
    [
      `CREATE OR REPLACE TRIGGER "users_touch" BEFORE DELETE\nON "public"."users" FOR EACH ROW\n` +
      `EXECUTE FUNCTION "public"."touch"('a', 'it''s')`,
      `ALTER TABLE "public"."users" DISABLE TRIGGER "users_touch"`,
    ],
  ],
];

for (const [i, [op, expected]] of CASES.entries()) {
  Deno.test(`compile case ${i} (${op.kind}): exact SQL`, () => {
    assert.deepEqual(compileOperation(op), expected);
  });
}

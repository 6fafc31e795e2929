import assert from "node:assert/strict";
import { normalizeExpression, normalizeType } from "../../src/model/normalize.ts";
import { byteLength, clipToBytes, makeObjectName, uniqueName } from "../../src/model/names.ts";

const TYPES: [string, string, string?][] = [
  ["int", "integer"],
  ["INT4", "integer"],
  ["int8", "bigint"],
  ["bool", "boolean"],
  ["varchar(255)", "character varying(255)"],
  ["varchar", "character varying"],
  ["char(3)", "character(3)"],
  ["char", "character(1)"],
  ["numeric(10,2)", "numeric(10,2)"],
  ["numeric(10, 2)", "numeric(10,2)"],
  ["decimal(10,2)", "numeric(10,2)"],
  ["decimal", "numeric"],
  ["real", "real"],
  ["float4", "real"],
  ["double precision", "double precision"],
  ["float", "double precision"],
  ["timestamp", "timestamp without time zone"],
  ["timestamptz", "timestamp with time zone"],
  ["timestamptz(3)", "timestamp(3) with time zone"],
  ["timestamp(3) with time zone", "timestamp(3) with time zone"],
  ["time", "time without time zone"],
  ["text[]", "text[]"],
  ["integer[]", "integer[]"],
  ["int[][]", "integer[]"],
  ["varchar(10)[]", "character varying(10)[]"],
  ["uuid", "uuid"],
  ["jsonb", "jsonb"],
  ["inet", "inet"],
  ["interval", "interval"],
  ["serial", "integer", "serial"],
  ["bigserial", "bigint", "bigserial"],
  ["smallserial", "smallint", "smallserial"],
  ["numeric(12)", "numeric(12,0)"],
  ["decimal(12)", "numeric(12,0)"],
  ["numeric(12)[]", "numeric(12,0)[]"],
  ["bit", "bit(1)"],
  ["bpchar", "bpchar"],
  ["bpchar(3)", "character(3)"],
  ["pg_catalog.int4", "integer"],
  ["pg_catalog.varchar(10)", "character varying(10)"],
  ["pg_catalog.bit", '"bit"'],
  ["pg_catalog.char", '"char"'],
  ["pg_catalog.int", "pg_catalog.int"],
];

Deno.test("normalizeType: aliases and modifiers take format_type's spelling", () => {
  for (const [input, type, serial] of TYPES) {
    assert.deepEqual(normalizeType(input), serial ? { type, serial } : { type }, input);
  }
});

const EXPRESSIONS: [string, string | undefined, string][] = [
  ["now()", undefined, "now()"],
  ["CURRENT_TIMESTAMP", undefined, "now()"],
  ["'x'::text", "text", "'x'"],
  ["'x'", "text", "'x'"],
  ["'new'::character varying", "character varying(20)", "'new'"],
  ["'-1'::integer", "integer", "-1"],
  ["'JP'::bpchar", "character(2)", "'JP'"],
  ["'JP'::character", "character(2)", "'JP'::character"],
  ["'{}'::jsonb", "jsonb", "'{}'"],
  ["FALSE", "boolean", "false"],
  ["( price  >  0 )", undefined, "price>0"],
  ["'It''s'::text", "text", "'It''s'"],
  ["'A B'", undefined, "'A B'"],
  ['lower("Name")', undefined, 'lower("Name")'],
];

Deno.test("normalizeExpression: the catalog's and the user's spelling meet", () => {
  for (const [input, type, expected] of EXPRESSIONS) {
    assert.equal(normalizeExpression(input, type), expected, input);
  }
});

Deno.test("makeObjectName truncates like PostgreSQL at 63 bytes", () => {
  const table = "t".repeat(40);
  const name = uniqueName(table, ["c".repeat(40)]);
  assert.equal(new TextEncoder().encode(name).length, 63);
  // The longer part is shortened first, one byte at a time: 29 + 29 + "_" + "_key".
  assert.equal(name, `${"t".repeat(29)}_${"c".repeat(29)}_key`);
  assert.equal(makeObjectName("users", undefined, "pkey"), "users_pkey");
  // Multi-byte characters are never split.
  const unicode = makeObjectName("é".repeat(40), undefined, "pkey");
  assert.ok(new TextEncoder().encode(unicode).length <= 63);
  assert.equal(unicode, `${"é".repeat(29)}_pkey`);
});

Deno.test("byteLength counts UTF-8 bytes as TextEncoder does, lone surrogates included", () => {
  const encoder = new TextEncoder();
  const texts = [
    "",
    "users",
    "é",
    "日本語",
    "😀",
    "a😀b",
    "\ud800",
    "\udc00x",
    "\ud800\ud800",
    "x\ud83d",
    "ß日😀\udfff",
    "\u07ff\u0800",
  ];
  for (const text of texts) {
    assert.equal(byteLength(text), encoder.encode(text).length, JSON.stringify(text));
    for (let bytes = 0; bytes <= 12; bytes++) {
      const clipped = clipToBytes(text, bytes);
      assert.ok(
        text.startsWith(clipped) && encoder.encode(clipped).length <= bytes,
        `${JSON.stringify(text)} ${bytes}`,
      );
    }
  }
  assert.equal(clipToBytes("日本語", 7), "日本");
});

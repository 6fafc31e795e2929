/**
 * What a migration file may hold where the compiler writes text unquoted:
 * types, collations, operator classes, methods, routine signatures. Files
 * hold operations, not SQL, so each of these is checked against the shape
 * PostgreSQL prints it in and can never close its clause or start another
 * statement (no `;`, quote, comment or stray comma). Expressions (defaults,
 * checks, WHERE clauses, bodies) are SQL by nature and are not checked here.
 */
import { z } from "zod";
import { byteLength, MAX_IDENTIFIER_BYTES } from "../model/names.ts";

/** A name the compiler quotes; a longer one PostgreSQL would silently truncate. */
export const identifier = z.string().min(1).refine(
  (name) => byteLength(name) <= MAX_IDENTIFIER_BYTES,
  `expected a name of at most ${MAX_IDENTIFIER_BYTES} bytes (PostgreSQL would silently truncate a longer one)`,
);

const WORD = String.raw`[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*`;
const IDENT = String.raw`(?:${WORD}|"(?:[^"]|"")+")`;
const QUALIFIED = String.raw`${IDENT}(?:\s*\.\s*${IDENT}){0,2}`;
// Type modifiers as format_type prints them: numbers, and words such as PostGIS's `geometry(Point,4326)`.
const TYPMOD = String.raw`\(\s*(?:-?\d+|${WORD})(?:\s*,\s*(?:-?\d+|${WORD}))*\s*\)`;
// The words of SQL's multi-word type names: `double precision`, `timestamp(3) with time zone`, `interval day to second`.
const TYPE_WORD = "(?:precision|varying|character|char|with|without|time|zone|year|month|day|hour|minute|second|to)";
const ARRAY = String.raw`(?:\s*\[\s*\d*\s*\]|\s+array(?:\s*\[\s*\d*\s*\])?)`;
const TYPE = String.raw`${QUALIFIED}(?:\s*${TYPMOD})?(?:\s+${TYPE_WORD}(?:\s*${TYPMOD})?)*${ARRAY}*`;
const MODE = "(?:in|out|inout|variadic)";

const whole = (pattern: string) => new RegExp(`^\\s*(?:${pattern})\\s*$`, "i");
// A routine argument as pg_get_function_identity_arguments prints it: `[mode] [name] type`.
const ARGUMENT = whole(String.raw`(?:${MODE}\s+)?(?:${IDENT}\s+)?${TYPE}`);
const TABLE_RESULT = /^\s*table\s*\(([^]*)\)\s*$/i;
const TYPE_RESULT = whole(`|(?:setof\\s+)?${TYPE}`);

/**
 * `a int, b numeric(10,2)` → `["a int", " b numeric(10,2)"]`: split on commas outside
 * parentheses and quoted names. One pattern over the whole list would backtrack exponentially.
 */
function listItems(text: string): string[] {
  const items = [""];
  let depth = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === "(") depth++;
    else if (!quoted && char === ")") depth--;
    if (char === "," && !quoted && depth === 0) items.push("");
    else items[items.length - 1] += char;
  }
  return items;
}

const isArgumentList = (text: string) => text.trim() === "" || listItems(text).every((a) => ARGUMENT.test(a));

/** A type as a column, attribute, domain, range or argument spells it (`character varying(20)[]`, `billing."Status"`). */
export const typeName = z.string().regex(whole(TYPE), "expected a type name such as integer or varchar(255)[]");
/** A collation, operator class or function name, optionally schema-qualified (`pg_catalog."C"`). */
export const qualifiedName = z.string().regex(whole(QUALIFIED), 'expected a name such as "C" or public.my_ops');
/** An index access method (`btree`, `gin`, ...), written bare. */
export const method = z.string().regex(whole(WORD), "expected an index method such as btree or gin");
/** A routine's identity arguments (`a integer, VARIADIC b text[]`). */
export const argumentList = z.string().refine(isArgumentList, "expected arguments such as a integer, b text");
/** A function's result as pg_get_function_result prints it: a type, `SETOF type` or `TABLE(a integer, ...)`. */
export const resultType = z.string().refine(
  (text) => {
    const table = TABLE_RESULT.exec(text);
    return table ? table[1].trim() !== "" && isArgumentList(table[1]) : TYPE_RESULT.test(text);
  },
  "expected a result type such as integer, SETOF text or TABLE(a integer)",
);
/** A routine's `SET name=value`: the name is written bare, the value as a literal. */
export const setting = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.$]*=/, "expected a setting such as work_mem=64MB");

/**
 * Normal forms shared by both sides of the diff: the config's spelling and
 * the catalog's spelling of the same thing normalize to the same string.
 */
import type { Serial } from "./types.ts";

const TYPE_ALIASES: Record<string, string> = {
  int: "integer",
  int4: "integer",
  integer: "integer",
  int8: "bigint",
  bigint: "bigint",
  int2: "smallint",
  smallint: "smallint",
  bool: "boolean",
  boolean: "boolean",
  varchar: "character varying",
  "character varying": "character varying",
  "char varying": "character varying",
  char: "character",
  character: "character",
  bpchar: "character",
  decimal: "numeric",
  dec: "numeric",
  numeric: "numeric",
  float4: "real",
  real: "real",
  float8: "double precision",
  "double precision": "double precision",
  timestamp: "timestamp without time zone",
  "timestamp without time zone": "timestamp without time zone",
  timestamptz: "timestamp with time zone",
  "timestamp with time zone": "timestamp with time zone",
  time: "time without time zone",
  "time without time zone": "time without time zone",
  timetz: "time with time zone",
  "time with time zone": "time with time zone",
  varbit: "bit varying",
  "bit varying": "bit varying",
};

const SERIALS: Record<string, { serial: Serial; type: string }> = {
  smallserial: { serial: "smallserial", type: "smallint" },
  serial2: { serial: "smallserial", type: "smallint" },
  serial: { serial: "serial", type: "integer" },
  serial4: { serial: "serial", type: "integer" },
  bigserial: { serial: "bigserial", type: "bigint" },
  serial8: { serial: "bigserial", type: "bigint" },
};

/** The catalog's names among the aliases: `pg_catalog.int4` is `int4`, `pg_catalog.int` no type at all. */
const CATALOG_NAMES = new Set([
  "int2",
  "int4",
  "int8",
  "bool",
  "varchar",
  "bpchar",
  "numeric",
  "float4",
  "float8",
  "timestamp",
  "timestamptz",
  "time",
  "timetz",
  "varbit",
  "bit",
  "char",
]);

/**
 * Unsized types whose SQL keyword means a size: `bit` and `char` are
 * `bit(1)` and `character(1)`, but `bpchar` and the catalog's own `bit` and
 * `char` (qualified) take any length (`"char"` is another type).
 */
const UNSIZED: Record<string, string> = {
  bit: "bit(1)",
  char: "character(1)",
  character: "character(1)",
  bpchar: "bpchar",
};
const UNSIZED_IN_CATALOG: Record<string, string> = { bit: '"bit"', char: '"char"', bpchar: "bpchar" };

/** Time types put their precision before the time zone words. */
const ZONED = /^(timestamp|time) (with|without) time zone$/;

export interface NormalizedType {
  readonly type: string;
  readonly serial?: Serial;
}

/**
 * Normalize a type name as a user writes it (`int`, `varchar(255)`,
 * `timestamptz(3)`, `numeric(10, 2)`, `text[]`) to `format_type`'s spelling.
 * Unknown names (extension and user types) pass through, lowercased unless
 * quoted.
 */
export function normalizeType(input: string): NormalizedType {
  let text = input.trim().replace(/\s+/g, " ");
  let dims = 0;
  for (;;) {
    const array = /\s*\[\s*\d*\s*\]$/.exec(text);
    if (!array) break;
    dims++;
    text = text.slice(0, array.index);
  }
  // PostgreSQL does not enforce array dimensions: `int[][]` is `integer[]`.
  const arraySuffix = dims > 0 ? "[]" : "";
  if (text.toLowerCase().endsWith(" array")) {
    text = text.slice(0, -" array".length);
    if (dims === 0) return normalizeType(`${text}[]`);
  }
  const match = /^([^(]*?)\s*(?:\(([^)]*)\))?\s*((?:with|without) time zone)?$/i
    .exec(text);
  if (!match) return { type: text + arraySuffix };
  const [, rawName, rawModifiers, zone] = match;
  const isQuoted = rawName.includes('"');
  let name = isQuoted ? rawName : rawName.toLowerCase();
  if (zone) name = `${name} ${zone.toLowerCase()}`;
  const modifiers = rawModifiers?.split(",").map((m) => m.trim()).join(",");
  const inCatalog = /^pg_catalog\s*\.\s*/.exec(name);
  if (inCatalog) {
    const bare = name.slice(inCatalog[0].length);
    // Keywords (`int`, `serial`) name no catalog type: left as written, checkTypes reports them.
    const keyword = bare in TYPE_ALIASES || bare in SERIALS || bare === "float" || bare === "double";
    if (keyword && !CATALOG_NAMES.has(bare)) return { type: text + arraySuffix };
    if (modifiers === undefined && bare in UNSIZED_IN_CATALOG) return { type: UNSIZED_IN_CATALOG[bare] + arraySuffix };
    name = bare;
  }

  const serial = SERIALS[name];
  if (serial && !modifiers && dims === 0) {
    return { type: serial.type, serial: serial.serial };
  }
  if (name === "float" || name === "double") {
    const precision = Number(modifiers ?? 53);
    return { type: (precision <= 24 ? "real" : "double precision") + arraySuffix };
  }
  if (modifiers === undefined) {
    return { type: (UNSIZED[name] ?? TYPE_ALIASES[name] ?? name) + arraySuffix };
  }
  const canonical = TYPE_ALIASES[name] ?? name;
  // A numeric's scale defaults to 0, which the catalog spells out.
  if (canonical === "numeric" && !modifiers.includes(",")) return { type: `numeric(${modifiers},0)${arraySuffix}` };
  const zoned = ZONED.exec(canonical);
  if (zoned) {
    return {
      type: `${zoned[1]}(${modifiers}) ${zoned[2]} time zone${arraySuffix}`,
    };
  }
  return { type: `${canonical}(${modifiers})${arraySuffix}` };
}

/**
 * Normal form of a default or other SQL expression: outside string literals,
 * whitespace kept only between words and keywords lowercased; `CURRENT_TIMESTAMP` equals
 * `now()`; a literal's redundant cast to the column's own type removed, since
 * the catalog adds it (`'x'::text`) and users do not write it.
 */
export function normalizeExpression(expression: string, type?: string): string {
  let out = "";
  let space = false;
  const text = expression.trim();
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (/\s/.test(char)) {
      space = true;
      continue;
    }
    // Whitespace is kept only between two word characters (`a and b`).
    if (space && !TIGHT.test(out.at(-1) ?? "(") && !TIGHT.test(char)) out += " ";
    space = false;
    if (char === "'" || char === '"') {
      const end = char === "'" ? literalEnd(text, i) : quotedEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else {
      out += char.toLowerCase();
    }
  }
  out = stripOuterParens(out);
  out = out.replace(/\bcurrent_timestamp\b(?!\()/g, "now()");
  if (type) out = stripOwnTypeCast(out, type);
  return out;
}

/** `'x'::character varying` on a `character varying(10)` column → `'x'`. */
function stripOwnTypeCast(text: string, type: string): string {
  const cast = `::${castSpelling(type)}`;
  if (!text.endsWith(cast)) return text;
  const literal = text.slice(0, -cast.length);
  if (!isSingleLiteral(literal)) return text;
  // PostgreSQL stores a negative number default as `'-1'::integer`.
  return /^'-?\d+(\.\d+)?'$/.test(literal) ? literal.slice(1, -1) : literal;
}

/**
 * The catalog's cast of a literal to a column's type: without the size, and
 * `bpchar` or `"bit"` for `character(n)` or `bit(n)` (`::character` means char(1)).
 */
function castSpelling(type: string): string {
  return type.replace(/\([^)]*\)/g, "").replace(/^character(?=\[\]|$)/, "bpchar").replace(/^bit(?=\[\]|$)/, '"bit"');
}

/** Characters around which whitespace carries no meaning. */
const TIGHT = /[()\[\],:<>=!+\-*\/%|&^~]/;

function quotedEnd(text: string, start: number): number {
  const end = text.indexOf('"', start + 1);
  return end === -1 ? text.length : end + 1;
}

function literalEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

function isSingleLiteral(text: string): boolean {
  if (/^-?\d+(\.\d+)?$/.test(text)) return true;
  return text.startsWith("'") && literalEnd(text, 0) === text.length;
}

/** `(a > 0)` → `a > 0`, only when the parentheses enclose the whole text. */
function stripOuterParens(text: string): string {
  while (text.startsWith("(") && text.endsWith(")")) {
    let depth = 0;
    let enclosesAll = true;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")") depth--;
      if (depth === 0 && i < text.length - 1) {
        enclosesAll = false;
        break;
      }
    }
    if (!enclosesAll) break;
    text = text.slice(1, -1);
  }
  return text;
}

/** Whether SQL text uses a column (case-folded unless quoted), outside string literals. */
export function mentionsColumn(expression: string, column: string): boolean {
  const code = expression.replace(/'(?:[^']|'')*'/g, "''");
  if (code.includes(`"${column.replaceAll('"', '""')}"`)) return true;
  if (column !== column.toLowerCase()) return false;
  return new RegExp(`(^|[^a-z0-9_$"])${column.replace(/[$]/g, "\\$")}($|[^a-z0-9_$"])`, "i").test(code);
}

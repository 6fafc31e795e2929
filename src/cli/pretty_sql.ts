/**
 * `--pretty`: compiled statements one clause per line, for review. Only the
 * layout changes: breaks go before top-level clause keywords and after
 * top-level commas, never inside quotes (escape strings too), dollar quotes,
 * comments or parentheses.
 */

/** Clause keywords that start a new line, and the statements they do so in. */
const CLAUSES: readonly (readonly [string, RegExp])[] = [
  ["ADD", /^ALTER /],
  ["DROP", /^ALTER /],
  ["ALTER COLUMN", /^ALTER /],
  ["RENAME", /^ALTER /],
  ["VALIDATE", /^ALTER /],
  ["REFERENCES", /^ALTER /],
  ["ON DELETE", /^ALTER /],
  ["ON UPDATE", /^ALTER /],
  ["ON", /^CREATE (UNIQUE )?INDEX/],
  ["USING", /^CREATE (UNIQUE )?INDEX/],
  ["INCLUDE", /^CREATE (UNIQUE )?INDEX/],
  ["WITH", /^CREATE (UNIQUE )?INDEX/],
  ["WHERE", /^CREATE (UNIQUE )?INDEX/],
];

/** A dollar-quote tag, as PostgreSQL's lexer reads one (`$$`, `$body$`, `$kyrage1$`). */
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/;

/** Where the quoted text or comment opening at `i` ends (the index of its last character). */
function endOfQuoted(statement: string, i: number): number | undefined {
  const c = statement[i];
  const rest = statement.slice(i);
  const closing = (close: string, from: number) => {
    const at = statement.indexOf(close, from);
    return at === -1 ? statement.length - 1 : at + close.length - 1;
  };
  if (c === '"') return closing('"', i + 1); // a doubled quote closes and reopens: same result
  if (c === "'") {
    // An escape string (E'...') may hold \' and \\.
    if (/[Ee]/.test(statement[i - 1] ?? "") && !/[A-Za-z0-9_$]/.test(statement[i - 2] ?? "")) {
      let j = i + 1;
      while (j < statement.length && statement[j] !== "'") j += statement[j] === "\\" ? 2 : 1;
      return Math.min(j, statement.length - 1);
    }
    return closing("'", i + 1);
  }
  if (rest.startsWith("--")) return closing("\n", i + 2);
  if (rest.startsWith("/*")) return closing("*/", i + 2);
  const tag = c === "$" && !/[A-Za-z0-9_]/.test(statement[i - 1] ?? "") ? DOLLAR_TAG.exec(rest)?.[0] : undefined;
  return tag ? closing(tag, i + tag.length) : undefined;
}

/** Positions in `statement` at depth 0 and outside quotes and comments. */
function* topLevel(statement: string): Generator<number> {
  let depth = 0;
  for (let i = 0; i < statement.length; i++) {
    const end = endOfQuoted(statement, i);
    if (end !== undefined) {
      i = end;
      continue;
    }
    const c = statement[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0) yield i;
  }
}

export function prettySql(statement: string): string {
  // Statements the compiler already lays out (CREATE TABLE) keep their layout.
  if (statement.includes("\n")) return statement;
  const clauses = CLAUSES.filter(([, applies]) => applies.test(statement)).map(([k]) => k);
  let out = "";
  let from = 0;
  for (const i of topLevel(statement)) {
    if (i < from) continue;
    if (statement[i] === "," && statement[i + 1] === " ") {
      out += statement.slice(from, i + 1) + "\n  ";
      from = i + 2;
      continue;
    }
    if (statement[i] !== " ") continue;
    const clause = clauses.find((k) => statement.startsWith(`${k} `, i + 1));
    if (!clause) continue;
    // ALTER COLUMN ... SET/DROP/ADD ... stays on its line.
    const line = (out + statement.slice(from, i)).split("\n").at(-1)!;
    if (["ADD", "DROP"].includes(clause) && line.trimStart().startsWith("ALTER COLUMN")) continue;
    out += statement.slice(from, i) + "\n  ";
    from = i + 1;
  }
  return out + statement.slice(from);
}

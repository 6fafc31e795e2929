/**
 * `--pretty`: compiled statements one clause per line, for review. Only the
 * layout changes: breaks go before top-level clause keywords and after
 * top-level commas, never inside quotes, dollar quotes or parentheses.
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

/** Positions in `statement` at depth 0 and outside quotes. */
function* topLevel(statement: string): Generator<number> {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < statement.length; i++) {
    const c = statement[i];
    if (quote) {
      if (statement.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'") quote = c; // a doubled quote closes and reopens: same result
    else if (c === "$") {
      quote = /^\$[A-Za-z_]*\$/.exec(statement.slice(i))?.[0];
      if (quote) i += quote.length - 1;
    } else if (c === "(") depth++;
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

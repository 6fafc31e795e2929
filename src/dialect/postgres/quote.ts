/** SQL quoting for PostgreSQL. Identifiers are always quoted. */

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/**
 * A string literal that means the same whatever `standard_conforming_strings` says, as `quote_literal` writes it:
 * with that setting off a backslash in '...' escapes the quote after it, so a value holding one is written E'...'
 * with backslashes doubled.
 */
export function literal(value: string): string {
  const quoted = `'${value.replaceAll("'", "''")}'`;
  return value.includes("\\") ? `E${quoted.replaceAll("\\", "\\\\")}` : quoted;
}

export function identList(names: readonly string[]): string {
  return names.map(ident).join(", ");
}

/**
 * `$tag$body$tag$`, with a tag the body does not contain (names may hold `$$`), nor ends with its start
 * (`-- $kyrage` followed by `$kyrage$` would close the quote early).
 */
export function dollarQuote(body: string): string {
  let tag = "$kyrage$";
  for (let i = 1; `${body}${tag}`.indexOf(tag) !== body.length; i++) tag = `$kyrage${i}$`;
  return `${tag}${body}${tag}`;
}

/** An anonymous PL/pgSQL block. */
export function doBlock(body: string): string {
  return `DO ${dollarQuote(body)}`;
}

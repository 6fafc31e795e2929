/**
 * Default constraint and index names, chosen exactly as PostgreSQL chooses
 * them (`ChooseRelationName` / `makeObjectName`), so a database built by hand
 * or by another tool shows no spurious renames.
 */
import { QUOTED_KEYWORDS } from "./keywords.ts";

/** PostgreSQL's NAMEDATALEN - 1: the longest identifier, in bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

/** UTF-8 length, counted without encoding (every default name of every table goes through here). */
export function byteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit < 0xdc00 && unit >= 0xd800 && isLowSurrogate(text.charCodeAt(i + 1))) bytes += 2, i++;
    else bytes += 2; // a lone surrogate is encoded as U+FFFD, 3 bytes
  }
  return bytes;
}

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** Cut `text` to at most `bytes` bytes without splitting a character. */
export function clipToBytes(text: string, bytes: number): string {
  if (byteLength(text) <= bytes) return text;
  let out = "";
  let used = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (used + size > bytes) break;
    out += char;
    used += size;
  }
  return out;
}

/**
 * `makeObjectName(name1, name2, label)`: shortens the longer of the two
 * names one byte at a time until `name1_name2_label` fits in 63 bytes.
 */
export function makeObjectName(
  name1: string,
  name2: string | undefined,
  label: string,
): string {
  let overhead = label.length + 1;
  if (name2 !== undefined) overhead += 1;
  const available = MAX_IDENTIFIER_BYTES - overhead;
  let chars1 = byteLength(name1);
  let chars2 = name2 === undefined ? 0 : byteLength(name2);
  while (chars1 + chars2 > available) {
    if (chars1 > chars2) chars1--;
    else chars2--;
  }
  const part1 = clipToBytes(name1, chars1);
  const part2 = name2 === undefined ? undefined : clipToBytes(name2, chars2);
  return [part1, part2, label].filter((p) => p !== undefined).join("_");
}

/** `ChooseIndexColumnNames`: column names joined by `_`, capped at 63 bytes. */
function joinColumnNames(columns: readonly string[]): string {
  return clipToBytes(columns.join("_"), MAX_IDENTIFIER_BYTES);
}

export function primaryKeyName(table: string): string {
  return makeObjectName(table, undefined, "pkey");
}

export function uniqueName(table: string, columns: readonly string[]): string {
  return makeObjectName(table, joinColumnNames(columns), "key");
}

export function foreignKeyName(
  table: string,
  columns: readonly string[],
): string {
  return makeObjectName(table, joinColumnNames(columns), "fkey");
}

/**
 * `ChooseIndexColumnNames`: an expression key is `expr`; a repeated name gets
 * a number (`expr`, `expr1`, ...). Key and INCLUDE columns all count.
 */
function indexColumnNames(columns: readonly (string | undefined)[]): string[] {
  const names: string[] = [];
  for (const column of columns) {
    const original = column ?? "expr";
    let name = original;
    for (let i = 1; names.includes(name); i++) name = `${original}${i}`;
    names.push(name);
  }
  return names;
}

export function indexName(
  table: string,
  columns: readonly (string | undefined)[],
  unique: boolean,
): string {
  return makeObjectName(table, joinColumnNames(indexColumnNames(columns)), unique ? "key" : "idx");
}

/**
 * PostgreSQL names a CHECK after its table and, when the expression uses
 * exactly one column, that column; a name already taken gets a number on
 * its label (`t_check`, `t_check1`).
 */
export function checkName(table: string, column: string | undefined, taken: ReadonlySet<string>): string {
  let name = makeObjectName(table, column, "check");
  for (let i = 1; taken.has(name); i++) name = makeObjectName(table, column, `check${i}`);
  return name;
}

/**
 * The name PostgreSQL gives a serial or identity column's sequence (`ChooseRelationName`): `t_col_seq`,
 * then `t_col_seq1`, ... while the name is taken.
 */
export function sequenceName(table: string, column: string, pass = 0): string {
  return makeObjectName(table, column, pass === 0 ? "seq" : `seq${pass}`);
}

/** Whether `name` is one PostgreSQL could have given the sequence of `table.column`, with or without a number. */
export function isSequenceNameOf(name: string, table: string, column: string): boolean {
  const pass = /seq([1-9][0-9]*)$/.exec(name)?.[1];
  return name === sequenceName(table, column) || (pass !== undefined && name === sequenceName(table, column, +pass));
}

/** An identifier as PostgreSQL's `quote_ident` and `format_type` print it: quoted only when needed. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !QUOTED_KEYWORDS.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * A collation as the config names it (`"C"`, `"en_US.utf8"`), in the
 * catalog's spelling (each part as `quote_ident` prints it). Text holding
 * quotes is read as SQL, for a schema-qualified one: `'"app"."german"'`.
 */
export function collationName(name: string): string {
  if (!name.includes('"')) return quoteIdent(name);
  const parts = [...name.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)]
    .map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2].toLowerCase()));
  return parts.map(quoteIdent).join(".");
}

/** The inverse of {@link collationName}: how the config names a collation. */
export function collationInput(collation: string): string {
  const parts = [...collation.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)]
    .map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]));
  return parts.length === 1 ? parts[0] : parts.map((p) => `"${p.replaceAll('"', '""')}"`).join(".");
}

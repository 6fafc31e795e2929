/**
 * A partition bound as a predicate over its parent's partition keys: the rows
 * PostgreSQL would route to the partition. A DEFAULT partition's rows are
 * checked against it when a partition is added beside it (see
 * partition_blockers.ts). Built from the bound as the catalog prints it
 * (`pg_get_expr(relpartbound)`); PostgreSQL can print the constraint itself
 * (`pg_get_partition_constraintdef`) only for a partition that exists.
 */
import type { PartitionBy, PartitionKey } from "../../model/types.ts";
import { ident, literal } from "./quote.ts";

/** One bound value: SQL for a constant, or the open end of a range. */
type Datum = { readonly sql: string } | "minvalue" | "maxvalue" | "null";

/**
 * `"at" IS NOT NULL AND "at" >= '2025-01-01' AND "at" < '2026-01-01'` for a
 * range or list bound; undefined for a bound it cannot read, a key with an
 * operator class of its own (whose operators it cannot name), or a hash bound
 * (a hash-partitioned table has no DEFAULT partition).
 */
export function boundPredicate(by: PartitionBy, bound: string): string | undefined {
  if (by.strategy === "hash" || by.keys.some((k) => k.opclass !== undefined)) return undefined;
  const tokens = tokenize(bound);
  if (!tokens || !startsWith(tokens, ["for", "values"])) return undefined;
  const keys = by.keys.map(keySql);
  const rest = tokens.slice(2);
  if (by.strategy === "list") {
    const values = startsWith(rest, ["in"]) ? datums(rest, 1) : undefined;
    return values && values.next === rest.length ? listPredicate(keys[0], values.list) : undefined;
  }
  const from = startsWith(rest, ["from"]) ? datums(rest, 1) : undefined;
  const to = from && rest[from.next] === "to" ? datums(rest, from.next + 1) : undefined;
  if (!from || !to || to.next !== rest.length) return undefined;
  if (from.list.length !== keys.length || to.list.length !== keys.length) return undefined;
  if ([...from.list, ...to.list].includes("null")) return undefined;
  return rangePredicate(keys, from.list, to.list);
}

function keySql(k: PartitionKey): string {
  const key = k.expression ? `(${k.column})` : ident(k.column);
  return k.collation ? `${key} COLLATE ${k.collation}` : key;
}

/** Words lowercased, string literals unquoted (as `'...`), punctuation as is; undefined on anything else. */
function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  const pattern = /\s*(?:'((?:[^']|'')*)'|([(),])|([A-Za-z_][A-Za-z_0-9]*|[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?))/iy;
  while (pattern.lastIndex < text.trimEnd().length) {
    const m = pattern.exec(text);
    if (!m) return undefined;
    tokens.push(m[1] !== undefined ? `'${m[1].replaceAll("''", "'")}` : m[2] ?? m[3].toLowerCase());
  }
  return tokens;
}

const startsWith = (tokens: readonly string[], words: readonly string[]) => words.every((w, i) => tokens[i] === w);

/** `( v, ... )` from `at`: the values, and where the tokens after it start. */
function datums(tokens: readonly string[], at: number): { list: Datum[]; next: number } | undefined {
  if (tokens[at] !== "(") return undefined;
  const list: Datum[] = [];
  for (let i = at + 1; i < tokens.length; i += 2) {
    const datum = toDatum(tokens[i]);
    if (!datum) return undefined;
    list.push(datum);
    if (tokens[i + 1] === ")") return { list, next: i + 2 };
    if (tokens[i + 1] !== ",") return undefined;
  }
  return undefined;
}

function toDatum(token: string | undefined): Datum | undefined {
  if (token === undefined) return undefined;
  if (token.startsWith("'")) return { sql: literal(token.slice(1)) };
  if (token === "minvalue" || token === "maxvalue" || token === "null") return token;
  if (token === "true" || token === "false" || /^[-+]?[\d.]/.test(token)) return { sql: token };
  return undefined;
}

/** `key IN (...)`, or `key IS NULL` when the list holds NULL (which `IN` never matches). */
function listPredicate(key: string, values: readonly Datum[]): string | undefined {
  const constants = values.flatMap((v) => (typeof v === "string" ? [] : [v.sql]));
  if (values.some((v) => v === "minvalue" || v === "maxvalue")) return undefined;
  const terms = [
    ...(values.includes("null") ? [`${key} IS NULL`] : []),
    ...(constants.length > 0 ? [`${key} IN (${constants.join(", ")})`] : []),
  ];
  return terms.length === 1 ? terms[0] : `(${terms.join(" OR ")})`;
}

/**
 * Keys not NULL (a NULL key goes to the DEFAULT partition), then compared
 * row-wise, as PostgreSQL orders range bounds: up to the first MINVALUE or
 * MAXVALUE, which stands for every value after it.
 */
function rangePredicate(keys: readonly string[], from: readonly Datum[], to: readonly Datum[]): string {
  const bound = (list: readonly Datum[], inclusive: string, openMin: string, openMax: string) => {
    const end = list.findIndex((v) => typeof v === "string");
    const n = end === -1 ? list.length : end;
    const op = end === -1 ? inclusive : list[end] === "minvalue" ? openMin : openMax;
    if (n === 0) return op === ">" || op === "<" ? "false" : undefined;
    const row = (items: readonly string[]) => (n === 1 ? items[0] : `(${items.join(", ")})`);
    return `${row(keys.slice(0, n))} ${op} ${row(list.slice(0, n).map((v) => (v as { sql: string }).sql))}`;
  };
  const terms = [
    ...keys.map((k) => `${k} IS NOT NULL`),
    bound(from, ">=", ">=", ">"),
    bound(to, "<", "<", "<="),
  ].filter((t): t is string => t !== undefined);
  return terms.join(" AND ");
}

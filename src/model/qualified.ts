/**
 * Schema-qualified names as the config writes them (`"billing.invoices"`)
 * and as SQL spells user types, shared by every kind of object.
 */
import { ConfigIssue } from "./checks.ts";
import { byteLength, MAX_IDENTIFIER_BYTES, quoteIdent } from "./names.ts";

export const DEFAULT_SCHEMA = "public";

/**
 * `"billing.invoices"` → `["billing", "invoices"]`; no dot → public. A name
 * holding a dot is written quoted, as in SQL: `'"my.table"'` is table
 * `my.table` in public, `'billing."a.b"'` is `a.b` in billing (`""` is a quote).
 */
export function splitQualified(name: string, path = "name"): [string, string] {
  if (!name.includes('"')) {
    const dot = name.indexOf(".");
    if (dot === -1) return [DEFAULT_SCHEMA, name];
    return [name.slice(0, dot), name.slice(dot + 1)];
  }
  const parts = /^(?:("(?:[^"]|"")*"|[^."]+)\.)?("(?:[^"]|"")*"|[^."]+)$/.exec(name);
  if (!parts) {
    throw new ConfigIssue(
      path,
      `cannot read the name ${name}: quote a part that holds a dot or a quote ("my.table", with "" for a quote)`,
    );
  }
  const unquote = (part: string) => part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part;
  return [parts[1] === undefined ? DEFAULT_SCHEMA : unquote(parts[1]), unquote(parts[2])];
}

/** One part of a dotted DSL name, quoted when it holds a dot or a quote. */
export const dslPart = (p: string): string => (p.includes(".") || p.includes('"') ? `"${p.replaceAll('"', '""')}"` : p);

/** The inverse of {@link splitQualified}: how the DSL names `schema.name`. */
export function joinQualified(schema: string, name: string): string {
  return schema === DEFAULT_SCHEMA ? dslPart(name) : `${dslPart(schema)}.${dslPart(name)}`;
}

/** The SQL spelling of a user type, as `format_type` prints it. */
export function userTypeName(schema: string, name: string): string {
  const quoted = quoteIdent(name);
  return schema === DEFAULT_SCHEMA ? quoted : `${quoteIdent(schema)}.${quoted}`;
}

/** Refuse a name PostgreSQL would silently truncate. */
export function checkIdentifier(path: string, name: string): void {
  if (byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new ConfigIssue(
      path,
      `"${name}" is ${
        byteLength(name)
      } bytes long; PostgreSQL names are at most ${MAX_IDENTIFIER_BYTES} bytes (it would silently truncate it)`,
    );
  }
}

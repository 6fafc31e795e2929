/**
 * Which schemas the desired model owns. Everything kyrage plans stays inside
 * them: a managed schema's undeclared objects are dropped, a missing one is
 * created, and every other schema is left alone.
 */
import { ConfigIssue } from "./checks.ts";
import { DEFAULT_SCHEMA } from "./qualified.ts";
import type { Table } from "./types.ts";

/**
 * `listed` (the config's `schemas`) when given, after checking that every
 * table and type is in one of them; otherwise `public` plus the schemas the
 * tables and types use.
 */
export function managedSchemas(
  listed: readonly string[] | undefined,
  tables: readonly Table[],
  types: readonly { readonly schema: string; readonly name: string }[],
): string[] {
  if (listed === undefined) {
    return [...new Set([DEFAULT_SCHEMA, ...tables.map((t) => t.schema), ...types.map((e) => e.schema)])];
  }
  const seen = new Set<string>();
  listed.forEach((schema, i) => {
    if (seen.has(schema)) throw new ConfigIssue(`schemas[${i}]`, `duplicate schema "${schema}"`);
    // PostgreSQL's own schemas: owning them would plan drops of system tables.
    if (/^pg_/.test(schema) || schema === "information_schema") {
      throw new ConfigIssue(`schemas[${i}]`, `"${schema}" is a system schema; kyrage cannot own it`);
    }
    seen.add(schema);
  });
  const outside = (schema: string, what: string, path: string) => {
    if (seen.has(schema)) return;
    throw new ConfigIssue(
      path,
      `${what} is in schema ${schema}, which is not in schemas (${listed.join(", ") || "empty"}); add "${schema}" ` +
        "to schemas, or move it to a schema kyrage owns",
    );
  };
  tables.forEach((t, i) => outside(t.schema, `table ${t.schema}.${t.name}`, `tables[${i}].name`));
  for (const t of types) outside(t.schema, `type ${t.schema}.${t.name}`, "types");
  return [...listed];
}

/**
 * Which default names a config's unnamed constraints and indexes get:
 * PostgreSQL's own (`"postgres"`, the default), or those of @izumisy/kyrage
 * (`"kyrage-v1"`), so a database it built plans empty without renaming
 * every constraint.
 */
import { clipToBytes, foreignKeyName, indexName, MAX_IDENTIFIER_BYTES, primaryKeyName, uniqueName } from "./names.ts";

export type NamingScheme = "postgres" | "kyrage-v1";

export interface Naming {
  /** `primaryKey: true` on the columns. */
  columnPrimaryKey(table: string, columns: readonly string[]): string;
  /** `t.primaryKey(columns)`. */
  primaryKey(table: string, columns: readonly string[]): string;
  /** `unique: true` on one column. */
  columnUnique(table: string, column: string): string;
  /** `t.unique(columns)`. */
  unique(table: string, columns: readonly string[]): string;
  /** `keyNames`: columns, undefined for an expression; INCLUDE columns after the keys. */
  index(
    table: string,
    keyNames: readonly (string | undefined)[],
    keyColumns: readonly string[],
    unique: boolean,
  ): string;
  foreignKey(table: string, columns: readonly string[]): string;
}

const POSTGRES: Naming = {
  columnPrimaryKey: (table) => primaryKeyName(table),
  primaryKey: (table) => primaryKeyName(table),
  columnUnique: (table, column) => uniqueName(table, [column]),
  unique: uniqueName,
  index: (table, keyNames, _, unique) => indexName(table, keyNames, unique),
  foreignKey: foreignKeyName,
};

/** Upstream's names are not truncated; PostgreSQL stores their first 63 bytes. */
const stored = (name: string) => clipToBytes(name, MAX_IDENTIFIER_BYTES);
const joined = (prefix: string, table: string, columns: readonly string[]) =>
  stored(`${prefix}_${table}_${columns.join("_")}`);

/** @izumisy/kyrage 1.x (`naming.ts` and `config/builder.ts`). */
const KYRAGE_V1: Naming = {
  columnPrimaryKey: (table, columns) =>
    columns.length === 1 ? stored(`${table}_${columns[0]}_primary_key`) : joined("pk", table, columns),
  primaryKey: (table, columns) => joined("pk", table, columns),
  columnUnique: (table, column) => stored(`${table}_${column}_unique`),
  unique: (table, columns) => joined("uq", table, columns),
  index: (table, _, keyColumns) => joined("idx", table, keyColumns),
  foreignKey: (table, columns) => joined("fk", table, columns),
};

export function namingOf(scheme: NamingScheme | undefined): Naming {
  return scheme === "kyrage-v1" ? KYRAGE_V1 : POSTGRES;
}

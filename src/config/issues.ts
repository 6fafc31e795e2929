/**
 * Config errors a person can act on: the table named beside the index path
 * (`tables[1] (table "posts").constraints[2]`), unknown keys named, and the
 * options of @izumisy/kyrage that kyrage does not have explained.
 */
import type { z } from "zod";
import { KyrageError } from "../errors.ts";
import { formatPath } from "./schema.ts";

/** `tables[1].constraints[2]` → `tables[1].constraints[2] (table "posts")`, the name read from the raw config. */
export function withTable(config: unknown, path: string): string {
  const index = /^tables\[(\d+)\]/.exec(path)?.[1];
  const name = index === undefined
    ? undefined
    : (config as { tables?: { name?: unknown }[] })?.tables?.[Number(index)]?.name;
  return typeof name === "string" ? `${path} (table "${name}")` : path;
}

/** `section`: the issue is in that environment section (`$production`), `config` being its contents. */
export function describeIssue(config: unknown, issue: z.core.$ZodIssue, section?: string): string {
  const inner = withTable(config, formatPath(issue.path));
  const at = section ? (issue.path.length === 0 ? section : `${section}.${inner}`) : inner;
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `"${k}"`).join(", ");
    const where = issue.path.length === 0 && !section ? "the top level of the config" : at;
    return `unknown ${issue.keys.length === 1 ? "key" : "keys"} ${keys} in ${where}; kyrage ignores nothing, so ` +
      "remove or fix it (see the README's config reference)" + checkSqlHint(config, issue);
  }
  return `${at}: ${issue.message}`;
}

/** @izumisy/kyrage 0.x's column `checkSql`: kyrage writes checks beside the columns. */
function checkSqlHint(config: unknown, issue: z.core.$ZodIssue & { keys: string[] }): string {
  if (!issue.keys.includes("checkSql")) return "";
  const column = issue.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown>)?.[key], config);
  const check = (column as { checkSql?: unknown } | undefined)?.checkSql;
  const expression = typeof check === "string" ? JSON.stringify(check) : "...";
  return `; checkSql is @izumisy/kyrage 0.x's column check: write it in the table's constraints, ` +
    `(t) => [t.check(${expression})]`;
}

/**
 * What a config written for @izumisy/kyrage may hold that kyrage has no use
 * for; `section` names the environment section `config` is the contents of.
 */
export function refuseUpstreamOnly(config: unknown, path: string, section?: string): void {
  const value = config as
    | { database?: { dialect?: unknown }; dev?: { container?: unknown; file?: unknown } }
    | undefined;
  const dialect = value?.database?.dialect;
  const at = section ? `${section}.` : "";
  if (dialect === "cockroachdb" || dialect === "sqlite") {
    throw new KyrageError(
      `Invalid config ${path}: ${at}database.dialect "${dialect}" is not supported; kyrage manages PostgreSQL only ` +
        `("postgres", or "pglite" for the embedded database).`,
    );
  }
  if (value?.dev?.container !== undefined) {
    throw new KyrageError(
      `Invalid config ${path}: ${at}dev.container asks for a Docker container as the dev database, and kyrage needs no ` +
        "Docker: `--dev`, `check` and `generate --dev` replay the migrations on an embedded in-memory PostgreSQL " +
        "(PGlite), and `kyrage dev start` serves one on a local port. Remove dev.container, or set " +
        "dev.connectionString to a PostgreSQL server to use as the dev database instead.",
    );
  }
  if (value?.dev?.file !== undefined) {
    throw new KyrageError(
      `Invalid config ${path}: ${at}dev.file asks for a SQLite file as the dev database (@izumisy/kyrage 1.6), and ` +
        "kyrage's dev database is PostgreSQL: by default an embedded in-memory one (PGlite), which `--dev`, `check` " +
        "and `generate --dev` use with nothing to set. Remove dev.file, or set dev.connectionString to a PostgreSQL " +
        "server to use as the dev database instead.",
    );
  }
}

/**
 * What a failed migration tells the user: PostgreSQL's message with its
 * DETAIL and HINT (postgres.js and PGlite errors both carry them), the
 * SQLSTATE with what it usually means for a migration, and a paragraph of
 * its own when the connection itself was lost.
 */
import { messageOf } from "../errors.ts";
import type { StoredMigration } from "./store.ts";

/** SQLSTATEs a migration commonly meets, with what they mean here. */
const MEANINGS: Record<string, string> = {
  "23505": "unique_violation: existing rows hold duplicate values for the new unique constraint or index; " +
    "remove the duplicates first",
  "23502": "not_null_violation: existing rows hold NULL where the migration requires a value",
  "23503": "foreign_key_violation: existing rows reference rows that do not exist",
  "23514": "check_violation: existing rows violate the new check constraint",
  "55P03": "lock_not_available: another session held a lock the statement needed for longer than " +
    "--statement-lock-timeout; retry when it is released, or raise the timeout",
  "40P01": "deadlock_detected: another session's locks crossed this migration's; re-run apply",
  "57014": "query_canceled: the statement was cancelled (pg_cancel_backend, or statement_timeout)",
  "42P07": "duplicate_object: an object of that name already exists (made outside kyrage?)",
  "42P01": "undefined_table: the database differs from what the history says (`kyrage status` shows drift)",
  "42703": "undefined_column: the database differs from what the history says (`kyrage status` shows drift)",
  "53200": "out_of_memory: one transaction took more locks than the server's lock table holds; raise " +
    "max_locks_per_transaction (it scales with max_connections) or split the change into smaller migrations",
};

interface PostgresErrorFields {
  code?: unknown;
  detail?: unknown;
  hint?: unknown;
}

/** `error:`, `detail:`, `hint:` and `code:` lines, indented under a failure's first line. */
export function describeError(error: unknown): string {
  const { code, detail, hint } = (typeof error === "object" && error !== null ? error : {}) as PostgresErrorFields;
  const lines = [`  error: ${messageOf(error)}`];
  if (typeof detail === "string" && detail) lines.push(`  detail: ${detail.replaceAll("\n", "\n    ")}`);
  // Hand-written steps run through PL/pgSQL's EXECUTE (runner.ts), which lacks this one form; PL/pgSQL's own
  // hint speaks of an EXECUTE the user never wrote.
  if (/EXECUTE of SELECT \.\.\. INTO is not implemented/.test(messageOf(error))) {
    lines.push("  hint: a hand-written step runs in a PL/pgSQL block; write CREATE TABLE ... AS SELECT ... instead");
  } else if (typeof hint === "string" && hint) lines.push(`  hint: ${hint.replaceAll("\n", "\n    ")}`);
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    lines.push(`  code: ${code}${MEANINGS[code] ? ` (${MEANINGS[code]})` : ""}`);
  }
  return lines.join("\n");
}

/** The paragraph for a connection lost while `migration` ran in a transaction. */
export function lostDuring(migration: StoredMigration, committing: boolean): string {
  const which = `migration ${migration.id} (${migration.path})`;
  return committing
    ? `The connection to PostgreSQL was lost while committing ${which} (the server ended the session: terminated, ` +
      "restarted or crashed). PostgreSQL either committed the migration together with its history row or rolled " +
      "both back; `kyrage status` shows which, and re-running `kyrage apply` continues from there either way."
    : `The connection to PostgreSQL was lost while ${which} was running (the server ended the session: terminated, ` +
      "restarted or crashed). PostgreSQL rolled it back: the transaction died with the session, so none of its " +
      "statements remain and it is not recorded as applied; migrations before it stay applied. " +
      "Re-run `kyrage apply` to continue.";
}

/** The paragraph for a connection lost while no migration was running. */
export function lostBetween(): string {
  return "The connection to PostgreSQL was lost while no migration was running (the server ended the session: " +
    "terminated, restarted or crashed). Every migration recorded as applied is complete and nothing is half-applied; " +
    "re-run `kyrage apply` to continue.";
}

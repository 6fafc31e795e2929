/** Row-level security policies: `definePolicy(name, { table, ... })`. */
import type { TableDefinition } from "./table.ts";

export type PolicyCommand = "all" | "select" | "insert" | "update" | "delete";

/** Options of {@link definePolicy}. */
export interface PolicyOptions {
  /** The table (its definition, or its name: `"billing.invoices"`); enable `rowLevelSecurity` on it. */
  table: string | TableDefinition;
  /** The command it applies to; default `"all"`. */
  command?: PolicyCommand;
  /** `"restrictive"` policies must all pass; of the `"permissive"` ones (default), one must. */
  as?: "permissive" | "restrictive";
  /** Roles it applies to (referenced, never created); default `["public"]`, every role. */
  to?: string[];
  /** Which existing rows are visible (SQL boolean expression); compared as PostgreSQL prints it. */
  using?: string;
  /** Which new rows may be written (SQL boolean expression). */
  withCheck?: string;
  comment?: string;
}

export interface PolicyDefinition extends Omit<PolicyOptions, "table"> {
  readonly kind: "policy";
  readonly name: string;
  /** The table's name as the config writes it. */
  readonly table: string;
}

/**
 * A policy on a table with row-level security:
 * `definePolicy("own_notes", { table: notes, to: ["app_user"], using: "owner = current_user" })`.
 */
export function definePolicy(name: string, options: PolicyOptions): PolicyDefinition {
  const { table, ...rest } = options;
  return { kind: "policy", name, table: typeof table === "string" ? table : table.name, ...rest };
}

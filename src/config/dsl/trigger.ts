/** Triggers: `defineTrigger(name, options)`. */
import type { FunctionDefinition } from "./function.ts";

/** `{ update: ["email"] }` is `UPDATE OF email`. */
export type TriggerEvent = "insert" | "update" | "delete" | "truncate" | { update: string[] };

/**
 * `REFERENCING OLD TABLE AS ... NEW TABLE AS ...`: names under which the
 * function reads the rows the statement changed. PostgreSQL allows them only
 * on an `after` trigger with one event (not `truncate`, no `UPDATE OF`
 * columns): `oldTable` for `update`/`delete`, `newTable` for `insert`/`update`.
 */
export interface TriggerReferencing {
  oldTable?: string;
  newTable?: string;
}

export interface TriggerOptions {
  /** The table (or view, for `instead of`): its name (`"billing.invoices"`) or its definition. */
  table: string | { readonly name: string };
  timing: "before" | "after" | "instead of";
  events: TriggerEvent[];
  /** Transition tables; see {@link TriggerReferencing}. */
  referencing?: TriggerReferencing;
  forEach: "row" | "statement";
  /** SQL condition on `old` and `new`; compared as PostgreSQL prints it back. */
  when?: string;
  /** The function it runs (`returns: "trigger"`): its definition or its name (`"audit.log_change"`). */
  function: string | FunctionDefinition;
  /** String arguments passed to the function (`TG_ARGV`). */
  args?: string[];
  /** `ALTER TABLE ... ENABLE/DISABLE TRIGGER`: default `"origin"` (enabled). */
  enabled?: "origin" | "disabled" | "replica" | "always";
  comment?: string;
}

export interface TriggerDefinition extends TriggerOptions {
  readonly kind: "trigger";
  readonly name: string;
}

/**
 * `defineTrigger("touch_users", { table: users, timing: "before", events: ["update"], forEach: "row", function: touch })`.
 * The trigger lives in its table's schema.
 */
export function defineTrigger(name: string, options: TriggerOptions): TriggerDefinition {
  return { kind: "trigger", name, ...options };
}

/** Triggers: `defineTrigger(name, options)`. */
import type { FunctionDefinition } from "./function.ts";

/** `{ update: ["email"] }` is `UPDATE OF email`. */
export type TriggerEvent = "insert" | "update" | "delete" | "truncate" | { update: string[] };

export interface TriggerOptions {
  /** The table (or view, for `instead of`): its name (`"billing.invoices"`) or its definition. */
  table: string | { readonly name: string };
  timing: "before" | "after" | "instead of";
  events: TriggerEvent[];
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

/**
 * Triggers, named by their table: compared on the parts `pg_get_triggerdef`
 * prints (read from the catalog after a scratch build) and the enabled state.
 */
import type { ValidTrigger } from "../../config/routines_schema.ts";
import { ConfigIssue } from "../checks.ts";
import type { ObjectBase } from "../object_base.ts";
import { checkIdentifier, splitQualified } from "../qualified.ts";

export type TriggerEventName = "insert" | "delete" | "update" | "truncate";

/** The order `pg_get_triggerdef` prints events in. */
export const EVENT_ORDER: readonly TriggerEventName[] = ["insert", "delete", "update", "truncate"];

/** Transition table names (`REFERENCING OLD TABLE AS ... NEW TABLE AS ...`); at least one is set. */
export interface TriggerReferencing {
  readonly oldTable?: string;
  readonly newTable?: string;
}

export interface TriggerObject extends ObjectBase {
  readonly kind: "trigger";
  /** Its table (or view), in the trigger's schema. */
  readonly table: string;
  readonly timing: "before" | "after" | "instead of";
  /** In {@link EVENT_ORDER}. */
  readonly events: readonly TriggerEventName[];
  /** `UPDATE OF` columns, in the order given. */
  readonly updateColumns?: readonly string[];
  readonly referencing?: TriggerReferencing;
  readonly forEach: "row" | "statement";
  /** As `pg_get_triggerdef` prints it (the user's text until the scratch build). */
  readonly when?: string;
  readonly function: { readonly schema: string; readonly name: string };
  readonly arguments: readonly string[];
  readonly enabled: "origin" | "disabled" | "replica" | "always";
}

export function desiredTriggers(triggers: readonly ValidTrigger[], path = "triggers"): TriggerObject[] {
  return triggers.map((t, i): TriggerObject => {
    const [schema, table] = splitQualified(t.table, `${path}[${i}].table`);
    checkIdentifier(`${path}[${i}].name`, t.name);
    const [fnSchema, fnName] = splitQualified(t.function, `${path}[${i}].function`);
    const updateColumns = t.events.flatMap((e) => (typeof e === "object" ? e.update : []));
    const names = new Set(t.events.map((e) => (typeof e === "object" ? "update" : e)));
    if (names.size < t.events.length) {
      throw new ConfigIssue(`${path}[${i}].events`, `trigger "${t.name}" names an event twice`);
    }
    for (const side of ["oldTable", "newTable"] as const) {
      const table = t.referencing?.[side];
      if (table !== undefined) checkIdentifier(`${path}[${i}].referencing.${side}`, table);
    }
    return {
      kind: "trigger",
      schema,
      name: t.name,
      table,
      timing: t.timing,
      events: EVENT_ORDER.filter((e) => names.has(e)),
      ...(updateColumns.length > 0 ? { updateColumns } : {}),
      ...(t.referencing ? { referencing: referencing(t.referencing.oldTable, t.referencing.newTable) } : {}),
      forEach: t.forEach,
      ...(t.when !== undefined ? { when: t.when } : {}),
      function: { schema: fnSchema, name: fnName },
      arguments: t.args ?? [],
      enabled: t.enabled ?? "origin",
      ...(t.comment !== undefined ? { comment: t.comment } : {}),
    };
  });
}

/** Always in this key order: the definition is compared as JSON. */
export function referencing(oldTable: string | undefined, newTable: string | undefined): TriggerReferencing {
  return { ...(oldTable !== undefined ? { oldTable } : {}), ...(newTable !== undefined ? { newTable } : {}) };
}

/** The parts `pg_get_triggerdef` prints, as one comparable string. */
export function triggerDefinition(t: TriggerObject): string {
  const { enabled: _e, comment: _c, dependsOn: _d, ...definition } = t;
  return JSON.stringify(definition);
}

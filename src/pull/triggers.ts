/** Pulled triggers → DSL data: table and function by name (render.ts uses their variables). */
import type { TriggerDefinition, TriggerEvent } from "../config/dsl.ts";
import type { DbObject } from "../model/objects.ts";
import type { TriggerObject } from "../model/objects/trigger.ts";
import { joinQualified } from "../model/qualified.ts";

function pullTrigger(t: TriggerObject): TriggerDefinition {
  const events = t.events.map((
    e,
  ): TriggerEvent => (e === "update" && t.updateColumns ? { update: [...t.updateColumns] } : e));
  return {
    kind: "trigger",
    name: t.name,
    table: joinQualified(t.schema, t.table),
    timing: t.timing,
    events,
    ...(t.referencing ? { referencing: { ...t.referencing } } : {}),
    forEach: t.forEach,
    ...(t.when !== undefined ? { when: t.when } : {}),
    function: joinQualified(t.function.schema, t.function.name),
    ...(t.arguments.length > 0 ? { args: [...t.arguments] } : {}),
    ...(t.enabled !== "origin" ? { enabled: t.enabled } : {}),
    ...(t.comment !== undefined ? { comment: t.comment } : {}),
  };
}

export function pullTriggers(objects: readonly DbObject[]): TriggerDefinition[] {
  return objects.filter((o): o is TriggerObject => o.kind === "trigger").map(pullTrigger);
}

/** How a trigger changes: CREATE OR REPLACE TRIGGER for its definition, ALTER TABLE for its enabled state. */
import { triggerDefinition, type TriggerObject } from "../../model/objects/trigger.ts";
import type { ObjectChange } from "../objects.ts";

export function triggerChange(from: TriggerObject, to: TriggerObject): ObjectChange {
  const same = triggerDefinition(from) === triggerDefinition(to) && from.enabled === to.enabled &&
    from.comment === to.comment;
  return same ? "same" : "alter";
}

/** How a policy changes: ALTER POLICY for roles and expressions, rebuilt for command or kind. */
import type { PolicyObject } from "../../model/objects/policy.ts";
import type { ObjectChange } from "../objects.ts";

export function policyChange(from: PolicyObject, to: PolicyObject): ObjectChange {
  // ALTER POLICY cannot change the command or kind, nor take an expression away.
  if (from.command !== to.command || from.permissive !== to.permissive) return "recreate";
  if ((from.using !== undefined && to.using === undefined) || (from.withCheck !== undefined && !to.withCheck)) {
    return "recreate";
  }
  const same = from.using === to.using && from.withCheck === to.withCheck && from.comment === to.comment &&
    from.roles.join("\u0000") === to.roles.join("\u0000");
  return same ? "same" : "alter";
}

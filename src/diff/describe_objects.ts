/** Plan lines and destructive descriptions for objects other than tables. */
import { describeObject } from "../model/objects.ts";
import type { ObjectOperation } from "./operations.ts";

export function describeObjectOperation(op: ObjectOperation): string {
  switch (op.kind) {
    case "create_object":
      return `+ ${describeObject(op.object)}`;
    case "drop_object":
      return `- ${describeObject(op.object)}${op.recreated ? " (created again after the changes it depends on)" : ""}`;
    case "alter_object":
      return `~ ${describeObject(op.to)}: changed in place`;
  }
}

/**
 * What dropping an object loses for good: its data, or a definition the config no longer has. Nothing when the
 * same migration creates it again; a file's `recreated` alone does not say so (it may be hand-written).
 */
export function objectLoss(op: ObjectOperation, createdAgain: boolean): string | undefined {
  if (op.kind !== "drop_object" || createdAgain) return undefined;
  const object = op.object;
  switch (object.kind) {
    case "materialized_view":
      return `${describeObject(object)} and its rows`;
    case "sequence":
      return `${describeObject(object)} and its current value`;
    case "extension":
      return `${describeObject(object)} and everything it installed (functions, types, operators)`;
    default:
      return `${describeObject(object)} (declared nowhere in the config)`;
  }
}

/**
 * How a function or procedure changes: CREATE OR REPLACE when PostgreSQL
 * allows it (same arguments and result, no default removed), else rebuilt.
 */
import type { FunctionArgument, RoutineObject } from "../../model/objects/function.ts";
import type { ObjectChange } from "../object_change.ts";

const withoutDefault = ({ default: _d, ...a }: FunctionArgument) => JSON.stringify(a);

/**
 * Everything but the arguments, comment and dependencies, which are compared
 * on their own. Settings in any order: each name is set once, and `pull` may
 * write `searchPath` before the `set` the database lists first.
 */
function replaceableFields(o: RoutineObject): string {
  const { arguments: _a, comment: _c, dependsOn: _d, identityArguments: _i, ...rest } = o;
  return JSON.stringify({ ...rest, settings: [...rest.settings].sort() });
}

export function routineChange(from: RoutineObject, to: RoutineObject): ObjectChange {
  const sameShape = from.arguments.length === to.arguments.length &&
    from.arguments.every((a, i) => withoutDefault(a) === withoutDefault(to.arguments[i])) &&
    // PostgreSQL refuses to remove a default (callers may rely on it).
    from.arguments.every((a, i) => a.default === undefined || to.arguments[i].default !== undefined) &&
    (from.kind !== "function" || to.kind !== "function" || from.returns === to.returns);
  if (!sameShape) return "recreate";
  const defaults = from.arguments.some((a, i) => a.default !== to.arguments[i].default);
  return defaults || replaceableFields(from) !== replaceableFields(to) || from.comment !== to.comment
    ? "alter"
    : "same";
}

/**
 * Within their phase, objects follow their dependencies (`dependsOn`): one is
 * created after what it reads, and dropped before it.
 */
import { objectId } from "../model/objects.ts";
import type { Operation } from "./operations.ts";

type ObjectOp = Extract<Operation, { kind: "create_object" | "drop_object" | "alter_object" }>;

const objectOf = (op: ObjectOp) => (op.kind === "alter_object" ? op.to : op.object);

/** `ops` ordered so that each comes after the ones whose objects it depends on (stable otherwise). */
function dependencyOrder(ops: readonly ObjectOp[]): ObjectOp[] {
  const byId = new Map(ops.map((op) => [objectId(objectOf(op)), op]));
  const done = new Set<ObjectOp>();
  const out: ObjectOp[] = [];
  const visit = (op: ObjectOp, path: Set<ObjectOp>) => {
    if (done.has(op) || path.has(op)) return;
    path.add(op);
    for (const dependency of objectOf(op).dependsOn ?? []) {
      const before = byId.get(dependency);
      if (before) visit(before, path);
    }
    done.add(op);
    out.push(op);
  };
  for (const op of ops) visit(op, new Set());
  return out;
}

/** `ops` in phase order, with each phase's object operations put in dependency order. */
export function objectsInDependencyOrder(ops: readonly Operation[]): Operation[] {
  const out = [...ops];
  const isObject = (op: Operation): op is ObjectOp =>
    op.kind === "create_object" || op.kind === "drop_object" || op.kind === "alter_object";
  for (const dropping of [false, true]) {
    const at = ops.flatMap((op, i) => (isObject(op) && (op.kind === "drop_object") === dropping ? [i] : []));
    const inOrder = at.map((i) => ops[i] as ObjectOp);
    // Drops: readers first, phases kept: the dependency order of the reversed list, reversed.
    const ordered = dropping ? dependencyOrder(inOrder.reverse()).reverse() : dependencyOrder(inOrder);
    at.forEach((position, k) => (out[position] = ordered[k]));
  }
  return out;
}

/**
 * Within their phase, composite and range type and domain operations follow
 * the types' dependencies: a type is created (or changed) after the types it
 * uses (a domain in a composite, a composite under a domain), and dropped
 * before them.
 */
import { type DependentType, typeDependencyOrder } from "../model/type_names.ts";
import type { Operation } from "./operations.ts";

/** The type an operation leaves behind, for creating ops; the one it removes, for dropping ops. */
function typeOf(op: Operation): DependentType | undefined {
  // A domain dropped to be created again keeps its own phase, before the types are created.
  if ((op.kind === "create_object" || (op.kind === "drop_object" && !op.recreated)) && op.object.kind === "domain") {
    return op.object;
  }
  if (op.kind === "sql" || op.kind === "create_object" || op.kind === "drop_object" || op.kind === "alter_object") {
    return undefined;
  }
  const on = { schema: op.schema, name: "name" in op ? op.name : "" };
  switch (op.kind) {
    case "create_composite_type":
      return { ...on, attributes: op.attributes };
    case "alter_composite_type":
      return { ...on, attributes: [...(op.changes.alter ?? []).map((a) => a.to), ...(op.changes.add ?? [])] };
    case "recreate_composite_type":
      return { ...on, attributes: op.to };
    case "drop_composite_type":
      return { ...on, attributes: op.attributes };
    case "create_range_type":
    case "drop_range_type":
      return { ...on, definition: op.definition };
    case "recreate_range_type":
      return { ...on, definition: op.to };
    default:
      return undefined;
  }
}

const DROPS = new Set<Operation["kind"]>(["drop_composite_type", "drop_range_type", "drop_object"]);

/** `ops` in phase order, with the type operations of each phase put in dependency order. */
export function typesInDependencyOrder(ops: readonly Operation[]): Operation[] {
  const out = [...ops];
  const creating = ops.flatMap((op, i) => (typeOf(op) && !DROPS.has(op.kind) ? [i] : []));
  const dropping = ops.flatMap((op, i) => (typeOf(op) && DROPS.has(op.kind) ? [i] : []));
  const ordered = typeDependencyOrder(creating.map((i) => ops[i]), typeOf);
  creating.forEach((at, k) => (out[at] = ordered[k]));
  // Dependents are dropped first: the dependency order of the reversed list, reversed.
  const drops = typeDependencyOrder(dropping.map((i) => ops[i]).reverse(), typeOf).reverse();
  dropping.forEach((at, k) => (out[at] = drops[k]));
  return out;
}

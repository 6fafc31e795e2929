/**
 * Composite types: created, dropped, or changed in place where PostgreSQL
 * can (attributes dropped, added at the end, retyped), else rebuilt. Whether
 * a retype or rebuild can run depends on what uses the type in the
 * database, which the planner checks (see `type_blockers.ts`).
 */
import type { CompositeAttribute, CompositeType } from "../model/types.ts";
import { qualifiedName } from "../model/types.ts";
import type { CompositeChanges, Operation } from "./operations.ts";

const sameAttribute = (a: CompositeAttribute, b: CompositeAttribute) =>
  a.type === b.type && a.collation === b.collation;

export function diffCompositeTypes(actual: readonly CompositeType[], desired: readonly CompositeType[]): Operation[] {
  const ops: Operation[] = [];
  const current = new Map(actual.map((t) => [qualifiedName(t.schema, t.name), t]));
  for (const type of desired) {
    const key = qualifiedName(type.schema, type.name);
    const existing = current.get(key);
    current.delete(key);
    const on = { schema: type.schema, name: type.name };
    if (!existing) {
      ops.push({ kind: "create_composite_type", ...on, attributes: type.attributes });
      continue;
    }
    const changes = attributeChanges(existing.attributes, type.attributes);
    if (changes === "rebuild") {
      ops.push({ kind: "recreate_composite_type", ...on, from: existing.attributes, to: type.attributes });
    } else if (changes) ops.push({ kind: "alter_composite_type", ...on, changes });
  }
  for (const type of current.values()) {
    ops.push({ kind: "drop_composite_type", schema: type.schema, name: type.name, attributes: type.attributes });
  }
  return ops;
}

/**
 * In-place changes when the desired attributes are the kept ones in their
 * current order followed by the new ones (`ADD ATTRIBUTE` appends);
 * otherwise the type must be rebuilt. `undefined` when nothing changed.
 */
function attributeChanges(
  from: readonly CompositeAttribute[],
  to: readonly CompositeAttribute[],
): CompositeChanges | "rebuild" | undefined {
  const wanted = new Map(to.map((a) => [a.name, a]));
  const have = new Set(from.map((a) => a.name));
  const kept = from.filter((a) => wanted.has(a.name));
  const add = to.filter((a) => !have.has(a.name));
  const order = [...kept.map((a) => a.name), ...add.map((a) => a.name)];
  if (order.some((name, i) => to[i].name !== name)) return "rebuild";
  const drop = from.filter((a) => !wanted.has(a.name));
  const alter = kept.filter((a) => !sameAttribute(a, wanted.get(a.name)!))
    .map((a) => ({ from: a, to: wanted.get(a.name)! }));
  if (drop.length + alter.length + add.length === 0) return undefined;
  return {
    ...(drop.length > 0 ? { drop } : {}),
    ...(alter.length > 0 ? { alter } : {}),
    ...(add.length > 0 ? { add } : {}),
  };
}

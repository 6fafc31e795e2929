/**
 * Range types: created, dropped, or rebuilt when their definition changes
 * (PostgreSQL cannot alter a range type). A rebuild runs only while nothing
 * uses the type; the planner checks that (see `type_blockers.ts`).
 */
import type { RangeDefinition, RangeType } from "../model/types.ts";
import { qualifiedName } from "../model/types.ts";
import type { Operation } from "./operations.ts";

/** Definitions in a canonical key order, so equal ones compare equal. */
export const rangeSignature = (d: RangeDefinition) =>
  JSON.stringify([
    d.subtype,
    d.subtypeOpclass ?? null,
    d.collation ?? null,
    d.subtypeDiff ?? null,
    d.multirange ?? null,
  ]);

export function diffRangeTypes(actual: readonly RangeType[], desired: readonly RangeType[]): Operation[] {
  const ops: Operation[] = [];
  const current = new Map(actual.map((t) => [qualifiedName(t.schema, t.name), t]));
  for (const type of desired) {
    const key = qualifiedName(type.schema, type.name);
    const existing = current.get(key);
    current.delete(key);
    const on = { schema: type.schema, name: type.name };
    if (!existing) ops.push({ kind: "create_range_type", ...on, definition: type.definition });
    else if (rangeSignature(existing.definition) !== rangeSignature(type.definition)) {
      ops.push({ kind: "recreate_range_type", ...on, from: existing.definition, to: type.definition });
    }
  }
  for (const type of current.values()) {
    ops.push({ kind: "drop_range_type", schema: type.schema, name: type.name, definition: type.definition });
  }
  return ops;
}

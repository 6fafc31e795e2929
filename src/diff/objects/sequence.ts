/** How a sequence changes: always in place (`ALTER SEQUENCE`), so its current value is kept. */
import type { DbObject } from "../../model/objects.ts";
import type { SequenceObject } from "../../model/objects/sequence.ts";
import type { ObjectChange } from "../objects.ts";
import type { ObjectOperation } from "../operations.ts";

export function sequenceChange(from: SequenceObject, to: SequenceObject): ObjectChange {
  const same = from.type === to.type && JSON.stringify(from.options) === JSON.stringify(to.options) &&
    JSON.stringify(from.ownedBy) === JSON.stringify(to.ownedBy) && from.comment === to.comment;
  return same ? "same" : "alter";
}

/**
 * An owned sequence needs its column: created (or given its owner) once the
 * columns exist. One losing its owner is freed before tables and columns are
 * dropped, which would drop it along.
 */
export function sequencePhase(to: SequenceObject, from?: DbObject): number | undefined {
  if (to.ownedBy) return 15.5;
  if (from?.kind === "sequence" && from.ownedBy) return 6.5;
  return undefined;
}

/**
 * A new sequence: created before the tables (whose defaults may call it),
 * and given its owner once the owning column exists.
 */
export function createSequence(s: SequenceObject): ObjectOperation[] {
  if (!s.ownedBy) return [{ kind: "create_object", object: s }];
  const { ownedBy: _, ...unowned } = s;
  return [{ kind: "create_object", object: unowned }, { kind: "alter_object", from: unowned, to: s }];
}

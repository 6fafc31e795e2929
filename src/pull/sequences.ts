/** Pulled sequences → DSL data: only the options that differ from PostgreSQL's defaults. */
import type { SequenceDefinition } from "../config/dsl.ts";
import type { DbObject, SequenceObject } from "../model/objects.ts";
import { dslPart, joinQualified } from "../model/qualified.ts";

/** A number when it is exact as one, else its decimal text. */
const number = (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);

export function pullSequences(objects: readonly DbObject[]): SequenceDefinition[] {
  return objects.filter((o): o is SequenceObject => o.kind === "sequence").map((s) => {
    const { start, increment, minValue, maxValue, cache, cycle } = s.options;
    return {
      kind: "sequence",
      name: joinQualified(s.schema, s.name),
      ...(s.type !== "bigint" ? { as: s.type } : {}),
      ...(start !== undefined ? { start: number(start) } : {}),
      ...(increment !== undefined ? { increment: number(increment) } : {}),
      ...(minValue !== undefined ? { minValue: number(minValue) } : {}),
      ...(maxValue !== undefined ? { maxValue: number(maxValue) } : {}),
      ...(cache !== undefined ? { cache: number(cache) } : {}),
      ...(cycle ? { cycle: true } : {}),
      ...(s.ownedBy ? { ownedBy: `${dslPart(s.ownedBy.table)}.${dslPart(s.ownedBy.column)}` } : {}),
      ...(s.comment !== undefined ? { comment: s.comment } : {}),
    };
  });
}

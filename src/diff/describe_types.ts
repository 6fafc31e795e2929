/** One readable line per composite or range type operation (see describe.ts). */
import type { CompositeAttribute, RangeDefinition } from "../model/types.ts";
import type { CompositeTypeOperation, RangeTypeOperation } from "./operations.ts";

const attribute = (a: CompositeAttribute) => `${a.name} ${a.type}${a.collation ? ` collate ${a.collation}` : ""}`;
const attributes = (list: readonly CompositeAttribute[]) => `(${list.map(attribute).join(", ")})`;

function range(d: RangeDefinition): string {
  return [
    `subtype ${d.subtype}`,
    ...(d.subtypeOpclass ? [`opclass ${d.subtypeOpclass}`] : []),
    ...(d.collation ? [`collation ${d.collation}`] : []),
    ...(d.subtypeDiff ? [`diff ${d.subtypeDiff}`] : []),
    ...(d.multirange ? [`multirange ${d.multirange.schema}.${d.multirange.name}`] : []),
  ].join(", ");
}

export function describeTypeOperation(op: CompositeTypeOperation | RangeTypeOperation): string {
  const type = `${op.schema}.${op.name}`;
  switch (op.kind) {
    case "create_composite_type":
      return `+ composite type ${type} ${attributes(op.attributes)}`;
    case "drop_composite_type":
      return `- composite type ${type}`;
    case "alter_composite_type": {
      const c = op.changes;
      const parts = [
        ...(c.drop ?? []).map((a) => `drop attribute ${a.name}`),
        ...(c.alter ?? []).map((a) => `attribute ${attribute(a.from)} → ${a.to.type}`),
        ...(c.add ?? []).map((a) => `add attribute ${attribute(a)}`),
      ];
      return `~ composite type ${type}: ${parts.join(", ")}`;
    }
    case "recreate_composite_type":
      return `~ composite type ${type}: ${attributes(op.from)} → ${attributes(op.to)}, rebuilt`;
    case "create_range_type":
      return `+ range type ${type} (${range(op.definition)})`;
    case "drop_range_type":
      return `- range type ${type}`;
    case "recreate_range_type":
      return `~ range type ${type}: (${range(op.from)}) → (${range(op.to)}), rebuilt`;
  }
}

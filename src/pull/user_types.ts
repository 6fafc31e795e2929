/**
 * Composite and range types of the actual model → DSL data, each after the
 * types it uses, naming the user types it uses by their definition (the
 * renderer writes those as variables) and options only where they differ
 * from PostgreSQL's defaults.
 */
import type {
  CompositeAttributeDefinition,
  CompositeTypeDefinition,
  RangeTypeDefinition,
  TypeInput,
  UserTypeDefinition,
} from "../config/dsl.ts";
import { collationInput } from "../model/names.ts";
import { joinQualified } from "../model/qualified.ts";
import { definedTypes, typeDependencyOrder } from "../model/type_names.ts";
import type { CompositeType, RangeType, SchemaModel } from "../model/types.ts";

/** `types` maps SQL type names to definitions; the pulled types are added to it as they are made. */
export function pullUserTypes(
  model: SchemaModel,
  types: Map<string, UserTypeDefinition>,
): (CompositeTypeDefinition | RangeTypeDefinition)[] {
  const input = (type: string): TypeInput => types.get(type) ?? type;
  const ordered = typeDependencyOrder<CompositeType | RangeType>([...model.ranges, ...model.composites], (t) => t);
  return ordered.map((type) => {
    const name = joinQualified(type.schema, type.name);
    const definition: CompositeTypeDefinition | RangeTypeDefinition = "definition" in type
      ? rangeDefinition(name, type, input)
      : {
        kind: "composite",
        name,
        attributes: Object.fromEntries(type.attributes.map((a): [string, TypeInput | CompositeAttributeDefinition] => [
          a.name,
          a.collation ? { type: input(a.type), collation: collationInput(a.collation) } : input(a.type),
        ])),
      };
    // The range's multirange is named as a string type: only the range itself is a definition.
    types.set(definedTypes(type)[0], definition);
    return definition;
  });
}

function rangeDefinition(name: string, range: RangeType, input: (type: string) => TypeInput): RangeTypeDefinition {
  const d = range.definition;
  const part = (p: string) => (/[."]/.test(p) ? `"${p.replaceAll('"', '""')}"` : p);
  const multi = d.multirange;
  return {
    kind: "range",
    name,
    subtype: input(d.subtype),
    ...(d.subtypeOpclass ? { subtypeOpclass: d.subtypeOpclass } : {}),
    ...(d.collation ? { collation: collationInput(d.collation) } : {}),
    ...(d.subtypeDiff ? { subtypeDiff: d.subtypeDiff } : {}),
    // Unqualified means the range's own schema.
    ...(multi
      ? {
        multirangeTypeName: multi.schema === range.schema && part(multi.name) === multi.name
          ? multi.name
          : `${part(multi.schema)}.${part(multi.name)}`,
      }
      : {}),
  };
}

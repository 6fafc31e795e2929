/**
 * Composite and range types of the config → the model, in normal form:
 * attribute types and subtypes spelled as column types are (user types by
 * name, as `userTypeName` prints them), options only where they differ from
 * PostgreSQL's defaults. Types are found wherever the config uses them: in
 * `types`, as column types, and inside other types (as are the domains used
 * there).
 */
import type { ValidConfig } from "../config/schema.ts";
import type {
  ValidComposite,
  ValidDomain,
  ValidEnum,
  ValidRange,
  ValidTypeInput,
  ValidUserType,
} from "../config/user_types_schema.ts";
import { ConfigIssue, type NamedType } from "./checks.ts";
import { collationName } from "./names.ts";
import { normalizeType } from "./normalize.ts";
import { checkIdentifier, splitQualified, userTypeName } from "./qualified.ts";
import type { CompositeAttribute, CompositeType, RangeDefinition, RangeType } from "./types.ts";
import { qualifiedName } from "./types.ts";
import { defaultMultirangeName, routineName } from "./type_names.ts";

export interface DesiredUserTypes {
  readonly composites: CompositeType[];
  readonly ranges: RangeType[];
  /** Enums listed in `types` or used inside other types, with the key path where each was found. */
  readonly enums: { readonly definition: ValidEnum; readonly path: string }[];
  /** Domains used inside types, likewise. */
  readonly domains: { readonly definition: ValidDomain; readonly path: string }[];
  /** The type (and, for composites, relation) names the types take. */
  readonly names: NamedType[];
}

type Found = { definition: ValidComposite | ValidRange; path: string };

export function desiredUserTypes(config: ValidConfig): DesiredUserTypes {
  const found = new Map<string, Found>();
  const enums: { definition: ValidEnum; path: string }[] = [];
  const domains: { definition: ValidDomain; path: string }[] = [];
  const visit = (input: ValidTypeInput, path: string) => {
    if (typeof input === "string") return;
    if (input.kind === "enum") {
      enums.push({ definition: input, path });
      return;
    }
    if (input.kind === "domain") {
      domains.push({ definition: input, path });
      return;
    }
    const key = qualifiedName(...splitQualified(input.name, path));
    const previous = found.get(key);
    if (previous) {
      if (previous.definition !== input && JSON.stringify(previous.definition) !== JSON.stringify(input)) {
        throw new ConfigIssue(
          path,
          `${kindName(input)} "${input.name}" is defined twice with different definitions (also at ${previous.path})`,
        );
      }
      return;
    }
    found.set(key, { definition: input, path });
    if (input.kind === "range") visit(input.subtype, `${path}.subtype`);
    else {
      for (const [name, attribute] of Object.entries(input.attributes)) {
        visit(attributeInput(attribute).type, `${path}.attributes.${name}`);
      }
    }
  };
  config.types?.forEach((t, i) => visit(t, `types[${i}]`));
  config.tables.forEach((t, i) => {
    for (const [name, column] of Object.entries(t.columns)) {
      if (column.userType) visit(column.userType, `tables[${i}].columns.${name}.type`);
    }
  });
  const composites: CompositeType[] = [];
  const ranges: RangeType[] = [];
  const names: NamedType[] = [];
  for (const { definition, path } of found.values()) {
    const [schema, name] = splitQualified(definition.name, `${path}.name`);
    checkIdentifier(`${path}.name`, name);
    if (definition.kind === "composite") {
      composites.push({ schema, name, attributes: attributes(definition, path) });
      names.push({ schema, name, what: `composite type ${schema}.${name}`, relation: true });
    } else {
      const range = rangeType(schema, name, definition, path);
      ranges.push(range);
      names.push({ schema, name, what: `range type ${schema}.${name}` });
      const multi = range.definition.multirange ?? { schema, name: defaultMultirangeName(name) };
      names.push({ ...multi, what: `multirange type ${multi.schema}.${multi.name} (of range ${schema}.${name})` });
    }
  }
  return { composites, ranges, enums, domains, names };
}

const kindName = (t: ValidUserType) => (t.kind === "composite" ? "composite type" : `${t.kind} type`);

/** `"text"`, a user type, or `{ type, collation }`. */
function attributeInput(attribute: ValidComposite["attributes"][string]): { type: ValidTypeInput; collation?: string } {
  return typeof attribute === "object" && !("kind" in attribute) ? attribute : { type: attribute };
}

function attributes(definition: ValidComposite, path: string): CompositeAttribute[] {
  return Object.entries(definition.attributes).map(([name, attribute]) => {
    const at = `${path}.attributes.${name}`;
    checkIdentifier(at, name);
    const { type, collation } = attributeInput(attribute);
    return {
      name,
      type: typeSpelling(type, at),
      ...(collation !== undefined ? { collation: collationName(collation) } : {}),
    };
  });
}

function rangeType(schema: string, name: string, definition: ValidRange, path: string): RangeType {
  const subtype = typeSpelling(definition.subtype, `${path}.subtype`);
  if (typeof definition.subtype === "string" && /\)( with(out)? time zone)?(\[\])?$/.test(subtype)) {
    throw new ConfigIssue(
      `${path}.subtype`,
      `range type "${definition.name}" has subtype ${definition.subtype}, but a range keeps no type modifiers ` +
        "(PostgreSQL would drop them); name the subtype without them",
    );
  }
  let multirange: RangeDefinition["multirange"];
  if (definition.multirangeTypeName !== undefined) {
    const input = definition.multirangeTypeName;
    const [multiSchema, multiName] = /[."]/.test(input)
      ? splitQualified(input, `${path}.multirangeTypeName`)
      : [schema, input];
    checkIdentifier(`${path}.multirangeTypeName`, multiName);
    if (multiSchema !== schema || multiName !== defaultMultirangeName(name)) {
      multirange = { schema: multiSchema, name: multiName };
    }
  }
  return {
    schema,
    name,
    definition: {
      subtype,
      ...(definition.subtypeOpclass !== undefined ? { subtypeOpclass: routineName(definition.subtypeOpclass) } : {}),
      ...(definition.collation !== undefined ? { collation: collationName(definition.collation) } : {}),
      ...(definition.subtypeDiff !== undefined ? { subtypeDiff: routineName(definition.subtypeDiff) } : {}),
      ...(multirange ? { multirange } : {}),
    },
  };
}

/** A type as the model spells it: a name in `format_type`'s normal form, or a user type's SQL name. */
function typeSpelling(input: ValidTypeInput, path: string): string {
  if (typeof input !== "string") return userTypeName(...splitQualified(input.name, path));
  const { type, serial } = normalizeType(input);
  if (serial) {
    throw new ConfigIssue(path, `${input} is a column shorthand (an integer with its own sequence), not a type`);
  }
  return type;
}

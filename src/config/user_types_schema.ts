/**
 * Zod schemas for user types in the config: enums, composite types and
 * range types, which may name one another (an attribute of an enum type, a
 * range of a composite), hence the explicit recursive types; and domains,
 * which columns, attributes and subtypes may use like them.
 */
import { z } from "zod";

const name = z.string().min(1);

export const enumDefinition = z.object({
  kind: z.literal("enum"),
  name,
  values: z.array(z.string()).min(1),
});

export type ValidEnum = z.infer<typeof enumDefinition>;

export const domainDefinition = z.strictObject({
  kind: z.literal("domain"),
  name,
  type: name,
  default: z.string().min(1).optional(),
  notNull: z.boolean().optional(),
  collation: name.optional(),
  checks: z.array(
    z.strictObject({ name: name.optional(), expression: z.string().min(1), notValid: z.boolean().optional() }),
  ).optional(),
  comment: z.string().optional(),
});

export type ValidDomain = z.infer<typeof domainDefinition>;

/** A type name, a user type definition, or a domain. */
export type ValidTypeInput = string | ValidUserType | ValidDomain;

export type ValidUserType = ValidEnum | ValidComposite | ValidRange;

export interface ValidAttribute {
  type: ValidTypeInput;
  collation?: string;
}

export interface ValidComposite {
  kind: "composite";
  name: string;
  attributes: Record<string, ValidTypeInput | ValidAttribute>;
}

export interface ValidRange {
  kind: "range";
  name: string;
  subtype: ValidTypeInput;
  subtypeOpclass?: string;
  collation?: string;
  subtypeDiff?: string;
  multirangeTypeName?: string;
}

export const typeInput: z.ZodType<ValidTypeInput> = z.lazy(() =>
  z.union([name, enumDefinition, compositeDefinition, rangeDefinition, domainDefinition])
);

export const compositeDefinition: z.ZodType<ValidComposite> = z.lazy(() =>
  z.object({
    kind: z.literal("composite"),
    name,
    attributes: z.record(
      name,
      z.union([typeInput, z.object({ type: typeInput, collation: name.optional() })]),
    ),
  })
);

export const rangeDefinition: z.ZodType<ValidRange> = z.lazy(() =>
  z.object({
    kind: z.literal("range"),
    name,
    subtype: typeInput,
    subtypeOpclass: name.optional(),
    collation: name.optional(),
    subtypeDiff: name.optional(),
    multirangeTypeName: name.optional(),
  })
);

export const userTypeDefinition: z.ZodType<ValidUserType> = z.lazy(() =>
  z.union([enumDefinition, compositeDefinition, rangeDefinition])
);

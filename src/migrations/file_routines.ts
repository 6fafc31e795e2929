/** Functions, procedures and triggers in migration files (zod). */
import { z } from "zod";
import { name } from "./file_parts.ts";
import { argumentList, resultType, setting, typeName } from "./file_spelling.ts";

const objectBase = {
  schema: name,
  name,
  comment: z.string().optional(),
  dependsOn: z.array(z.string()).optional(),
};

export const routine = {
  ...objectBase,
  identityArguments: argumentList,
  arguments: z.array(z.strictObject({
    name: name.optional(),
    type: typeName,
    mode: z.enum(["out", "inout", "variadic"]).optional(),
    default: z.string().optional(),
  })),
  language: name,
  body: z.string(),
  securityDefiner: z.boolean(),
  settings: z.array(setting),
};

export const functionFields = {
  returns: resultType,
  volatility: z.enum(["volatile", "stable", "immutable"]),
  strict: z.boolean(),
  leakproof: z.boolean(),
  parallel: z.enum(["unsafe", "restricted", "safe"]),
  cost: z.number().optional(),
  rows: z.number().optional(),
};

export const trigger = z.strictObject({
  kind: z.literal("trigger"),
  ...objectBase,
  table: name,
  timing: z.enum(["before", "after", "instead of"]),
  events: z.array(z.enum(["insert", "delete", "update", "truncate"])).min(1),
  updateColumns: z.array(name).optional(),
  referencing: z.strictObject({ oldTable: name.optional(), newTable: name.optional() }).optional(),
  forEach: z.enum(["row", "statement"]),
  when: z.string().optional(),
  function: z.strictObject({ schema: name, name }),
  arguments: z.array(z.string()),
  enabled: z.enum(["origin", "disabled", "replica", "always"]),
});

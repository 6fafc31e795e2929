/** Zod schemas for the config's functions, procedures and triggers. */
import { z } from "zod";

const name = z.string().min(1);

/** Setting names go into SQL unquoted, so they must be plain (possibly dotted) words. */
const settingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, "expected a setting name");

const routine = {
  name,
  args: z.array(z.strictObject({
    name: name.optional(),
    type: name,
    mode: z.enum(["in", "out", "inout", "variadic"]).optional(),
    default: z.string().min(1).optional(),
  })).optional(),
  language: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected a language name such as sql or plpgsql"),
  body: z.string().min(1),
  securityDefiner: z.boolean().optional(),
  searchPath: z.union([z.array(z.string()).min(1), z.literal("")]).optional(),
  set: z.record(settingName, z.string()).optional(),
  comment: z.string().optional(),
};

const functionDefinition = z.strictObject({
  kind: z.literal("function"),
  ...routine,
  returns: name.optional(),
  volatility: z.enum(["volatile", "stable", "immutable"]).optional(),
  strict: z.boolean().optional(),
  leakproof: z.boolean().optional(),
  parallel: z.enum(["unsafe", "restricted", "safe"]).optional(),
  cost: z.number().positive().optional(),
  rows: z.number().positive().optional(),
});

export const routineDefinition = z.discriminatedUnion("kind", [
  functionDefinition,
  z.strictObject({ kind: z.literal("procedure"), ...routine }),
]);

export const triggerDefinition = z.strictObject({
  kind: z.literal("trigger"),
  name,
  // A definition (table, view) stands for its name.
  table: z.union([name, z.object({ name }).transform((t) => t.name)]),
  timing: z.enum(["before", "after", "instead of"]),
  events: z.array(z.union([
    z.enum(["insert", "update", "delete", "truncate"]),
    z.strictObject({ update: z.array(name).min(1) }),
  ])).min(1),
  forEach: z.enum(["row", "statement"]),
  when: z.string().min(1).optional(),
  function: z.union([name, z.object({ kind: z.literal("function"), name }).transform((f) => f.name)]),
  args: z.array(z.string()).optional(),
  enabled: z.enum(["origin", "disabled", "replica", "always"]).optional(),
  comment: z.string().optional(),
});

export type ValidRoutine = z.infer<typeof routineDefinition>;
export type ValidTrigger = z.infer<typeof triggerDefinition>;

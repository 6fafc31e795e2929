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

const triggerEvent = z.union([
  z.enum(["insert", "update", "delete", "truncate"]),
  z.strictObject({ update: z.array(name).min(1) }),
]);
const referencing = z.strictObject({ oldTable: name.optional(), newTable: name.optional() });

/** Why PostgreSQL would refuse these transition tables: its rules that need no catalog, checked before any SQL. */
function referencingProblem(
  r: z.infer<typeof referencing>,
  timing: string,
  events: readonly z.infer<typeof triggerEvent>[],
): string | undefined {
  const names = events.map((e) => (typeof e === "object" ? "update" : e));
  if (r.oldTable === undefined && r.newTable === undefined) return "give oldTable, newTable or both";
  if (timing !== "after") return 'transition tables need timing "after"';
  if (names.includes("truncate")) return "transition tables cannot be used with a truncate event";
  if (names.length !== 1) {
    return "transition tables need exactly one event (insert, update or delete): define one trigger per event";
  }
  if (events.some((e) => typeof e === "object")) {
    return 'transition tables cannot be used with update columns ({ update: [...] }); use "update"';
  }
  if (r.oldTable !== undefined && names[0] === "insert") return "oldTable needs an update or delete event";
  if (r.newTable !== undefined && names[0] === "delete") return "newTable needs an insert or update event";
  if (r.oldTable === r.newTable) return "oldTable and newTable need different names";
  return undefined;
}

export const triggerDefinition = z.strictObject({
  kind: z.literal("trigger"),
  name,
  // A definition (table, view) stands for its name.
  table: z.union([name, z.object({ name }).transform((t) => t.name)]),
  timing: z.enum(["before", "after", "instead of"]),
  events: z.array(triggerEvent).min(1),
  referencing: referencing.optional(),
  forEach: z.enum(["row", "statement"]),
  when: z.string().min(1).optional(),
  function: z.union([name, z.object({ kind: z.literal("function"), name }).transform((f) => f.name)]),
  args: z.array(z.string()).optional(),
  enabled: z.enum(["origin", "disabled", "replica", "always"]).optional(),
  comment: z.string().optional(),
}).superRefine((t, ctx) => {
  const problem = t.referencing && referencingProblem(t.referencing, t.timing, t.events);
  if (problem) ctx.addIssue({ code: "custom", path: ["referencing"], message: `trigger "${t.name}": ${problem}` });
});

export type ValidRoutine = z.infer<typeof routineDefinition>;
export type ValidTrigger = z.infer<typeof triggerDefinition>;

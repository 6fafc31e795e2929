/** Objects other than tables in migration files (zod), one entry per kind. */
import { z } from "zod";
import { index, name, sequenceOptions } from "./file_parts.ts";
import { functionFields, routine, trigger } from "./file_routines.ts";
import { qualifiedName, typeName } from "./file_spelling.ts";

const objectBase = {
  schema: name,
  name,
  comment: z.string().optional(),
  dependsOn: z.array(z.string()).optional(),
};
// A view's column types are read back from the catalog; a config's view gives none ("").
const viewColumns = z.array(z.strictObject({ name, type: z.literal("").or(typeName) }));

export const dbObject = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("view"),
    ...objectBase,
    definition: z.string().min(1),
    columns: viewColumns,
    options: z.strictObject({
      securityBarrier: z.boolean().optional(),
      securityInvoker: z.boolean().optional(),
      checkOption: z.enum(["local", "cascaded"]).optional(),
    }),
  }),
  z.strictObject({
    kind: z.literal("policy"),
    ...objectBase,
    table: name,
    command: z.enum(["all", "select", "insert", "update", "delete"]),
    permissive: z.boolean(),
    roles: z.array(name),
    using: z.string().min(1).optional(),
    withCheck: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal("domain"),
    ...objectBase,
    type: typeName,
    default: z.string().min(1).optional(),
    notNull: z.boolean(),
    collation: qualifiedName.optional(),
    checks: z.array(z.strictObject({ name, expression: z.string().min(1), notValid: z.literal(true).optional() })),
  }),
  z.strictObject({
    kind: z.literal("materialized_view"),
    ...objectBase,
    definition: z.string().min(1),
    columns: viewColumns,
    withData: z.boolean(),
    indexes: z.array(index),
  }),
  z.strictObject({ kind: z.literal("extension"), ...objectBase, version: z.string().min(1).optional() }),
  z.strictObject({
    kind: z.literal("sequence"),
    ...objectBase,
    type: z.enum(["smallint", "integer", "bigint"]),
    options: sequenceOptions,
    ownedBy: z.strictObject({ table: name, column: name }).optional(),
  }),
  z.strictObject({ kind: z.literal("function"), ...routine, ...functionFields }),
  z.strictObject({ kind: z.literal("procedure"), ...routine }),
  trigger,
]);

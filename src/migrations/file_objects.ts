/** Objects other than tables in migration files (zod), one entry per kind. */
import { z } from "zod";
import { index, name } from "./file_parts.ts";

const objectBase = {
  schema: name,
  name,
  comment: z.string().optional(),
  dependsOn: z.array(z.string()).optional(),
};
const viewColumns = z.array(z.strictObject({ name, type: z.string() }));

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
    kind: z.literal("materialized_view"),
    ...objectBase,
    definition: z.string().min(1),
    columns: viewColumns,
    withData: z.boolean(),
    indexes: z.array(index),
  }),
]);

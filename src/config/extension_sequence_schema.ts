/** Zod schemas for `extensions` and `sequences` in the config. */
import { z } from "zod";

const name = z.string().min(1);

export const extensionDefinition = z.strictObject({
  kind: z.literal("extension"),
  name,
  schema: name.optional(),
  version: name.optional(),
});

/** An integer option of a sequence, as a number, bigint or decimal string. */
export const sequenceNumber = z.union([
  z.number().int(),
  z.bigint(),
  z.string().regex(/^-?\d+$/, "expected an integer"),
]);

/** A sequence's options, for an identity column and a sequence of its own alike. */
export const sequenceOptions = {
  start: sequenceNumber.optional(),
  increment: sequenceNumber.refine((n) => BigInt(n) !== 0n, "the increment cannot be 0").optional(),
  minValue: sequenceNumber.optional(),
  maxValue: sequenceNumber.optional(),
  cache: sequenceNumber.refine((n) => BigInt(n) > 0n, "the cache must be at least 1").optional(),
  cycle: z.boolean().optional(),
};

export const sequenceDefinition = z.strictObject({
  kind: z.literal("sequence"),
  name,
  as: z.enum(["smallint", "integer", "bigint"]).optional(),
  ...sequenceOptions,
  ownedBy: z.string().regex(/^.+\..+$/, 'expected "table.column"').optional(),
  comment: z.string().optional(),
});

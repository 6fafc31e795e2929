/** The pieces of the migration file format that several operations share (zod). */
import { z } from "zod";
import { identifier, method, qualifiedName, typeName } from "./file_spelling.ts";

export const name = identifier;
export const names = z.array(name);
export const action = z.enum(["no action", "restrict", "cascade", "set null", "set default"]);
export const serial = z.enum(["smallserial", "serial", "bigserial"]);
export const identity = z.enum(["always", "by default"]);
export const deferrable = z.enum(["immediate", "deferred"]);
export const integer = z.string().regex(/^-?\d+$/);
export const sequenceOptions = z.strictObject({
  start: integer.optional(),
  increment: integer.optional(),
  minValue: integer.optional(),
  maxValue: integer.optional(),
  cache: integer.optional(),
  cycle: z.boolean().optional(),
});
export const storage = z.enum(["plain", "external", "extended", "main"]);
export const compression = z.enum(["pglz", "lz4"]);
// Written into SQL unquoted: plain words only.
export const parameters = z.record(z.string().regex(/^(toast\.)?[a-z_][a-z0-9_]*$/), z.string());
export const replicaIdentity = z.union([z.enum(["full", "nothing"]), z.strictObject({ index: name })]);

export const column = z.strictObject({
  name,
  type: typeName,
  notNull: z.boolean(),
  default: z.string().optional(),
  serial: serial.optional(),
  identity: identity.optional(),
  identityOptions: sequenceOptions.optional(),
  generated: z.string().optional(),
  comment: z.string().optional(),
  storage: storage.optional(),
  compression: compression.optional(),
  collation: qualifiedName.optional(),
});
export const primaryKey = z.strictObject({ name, columns: names.min(1), deferrable: deferrable.optional() });
export const unique = z.strictObject({
  name,
  columns: names.min(1),
  nullsNotDistinct: z.boolean().optional(),
  deferrable: deferrable.optional(),
});
export const foreignKey = z.strictObject({
  name,
  columns: names.min(1),
  refSchema: name,
  refTable: name,
  refColumns: names.min(1),
  onDelete: action,
  onUpdate: action,
  deferrable: deferrable.optional(),
  match: z.literal("full").optional(),
  notValid: z.boolean().optional(),
});
export const check = z.strictObject({
  name,
  expression: z.string().min(1),
  noInherit: z.boolean().optional(),
  notValid: z.boolean().optional(),
});
export const index = z.strictObject({
  name,
  keys: z.array(z.strictObject({
    column: z.string().min(1),
    expression: z.boolean().optional(),
    descending: z.boolean().optional(),
    nulls: z.enum(["first", "last"]).optional(),
    opclass: qualifiedName.optional(),
    collation: qualifiedName.optional(),
  })).min(1),
  unique: z.boolean(),
  method,
  include: names,
  where: z.string().optional(),
  nullsNotDistinct: z.boolean().optional(),
  with: parameters.optional(),
  concurrently: z.boolean().optional(),
});
export const attribute = z.strictObject({ name, type: typeName, collation: qualifiedName.optional() });
export const attributes = z.array(attribute);
export const rangeDefinition = z.strictObject({
  subtype: typeName,
  subtypeOpclass: qualifiedName.optional(),
  collation: qualifiedName.optional(),
  subtypeDiff: qualifiedName.optional(),
  multirange: z.strictObject({ schema: name, name }).optional(),
});
export const partitionBy = z.strictObject({
  strategy: z.enum(["range", "list", "hash"]),
  keys: z.array(z.strictObject({
    column: z.string().min(1),
    expression: z.boolean().optional(),
    opclass: qualifiedName.optional(),
    collation: qualifiedName.optional(),
  })).min(1),
});
export const partitionOf = z.strictObject({ schema: name, table: name, bound: z.string().min(1) });
export const change = <T extends z.ZodType>(t: T) => z.strictObject({ from: t.optional(), to: t.optional() });
export const onTable = { schema: name, table: name };

/** Zod schemas for the config file's default export. */
import { z } from "zod";
import { extensionDefinition, sequenceDefinition, sequenceOptions } from "./extension_sequence_schema.ts";
import {
  compositeDefinition,
  domainDefinition,
  enumDefinition,
  rangeDefinition,
  userTypeDefinition,
} from "./user_types_schema.ts";
import { routineDefinition, triggerDefinition } from "./routines_schema.ts";

const name = z.string().min(1);
const columnList = z.array(name).min(1);
const action = z.enum([
  "no action",
  "restrict",
  "cascade",
  "set null",
  "set default",
]);

const deferrable = z.enum(["immediate", "deferred"]);
/** Storage parameter names are written into SQL unquoted, so they must be plain words. */
const storageParameters = z.record(
  z.string().regex(/^(toast\.)?[a-z_][a-z0-9_]*$/, "expected a storage parameter name such as fillfactor"),
  z.union([z.string(), z.number(), z.boolean()]),
);

const columnDefinition = z.strictObject({
  kind: z.literal("column"),
  type: name,
  enum: enumDefinition.optional(),
  userType: z.union([compositeDefinition, rangeDefinition]).optional(),
  domain: domainDefinition.optional(),
  primaryKey: z.boolean().optional(),
  unique: z.boolean().optional(),
  notNull: z.boolean().optional(),
  defaultSql: z.string().min(1).optional(),
  identity: z.union([
    z.enum(["always", "by default"]),
    z.strictObject({
      generated: z.enum(["always", "by default"]),
      ...sequenceOptions,
    }),
  ]).optional(),
  generatedAs: z.string().min(1).optional(),
  renamedFrom: name.optional(),
  using: z.string().min(1).optional(),
  comment: z.string().optional(),
  storage: z.enum(["plain", "external", "extended", "main"]).optional(),
  compression: z.enum(["pglz", "lz4"]).optional(),
  collation: name.optional(),
}).refine((c) => [c.defaultSql, c.identity, c.generatedAs].filter((x) => x !== undefined).length <= 1, {
  // PostgreSQL refuses any two ("both default and identity specified", ...).
  message: "a column takes one of defaultSql, identity and generatedAs, not two",
});

const indexKey = z.union([
  name,
  z.object({
    column: name.optional(),
    expression: z.string().min(1).optional(),
    order: z.enum(["asc", "desc"]).optional(),
    nulls: z.enum(["first", "last"]).optional(),
    opclass: name.optional(),
    collation: name.optional(),
  }).refine((k) => (k.column === undefined) !== (k.expression === undefined), {
    message: "an index key needs exactly one of column or expression",
  }),
]);

const partitionBy = z.strictObject({
  strategy: z.enum(["range", "list", "hash"]),
  keys: z.array(z.union([
    name,
    z.strictObject({
      column: name.optional(),
      expression: z.string().min(1).optional(),
      collation: name.optional(),
      opclass: name.optional(),
    }).refine((k) => (k.column === undefined) !== (k.expression === undefined), {
      message: "a partition key needs exactly one of column or expression",
    }),
  ])).min(1),
});

const partitionValue = z.union([z.string(), z.number().finite(), z.boolean(), z.null()]);
const partitionBound = z.union([
  z.string().min(1),
  z.strictObject({ from: z.array(partitionValue).min(1), to: z.array(partitionValue).min(1) }),
  z.strictObject({ in: z.array(partitionValue).min(1) }),
  z.strictObject({ modulus: z.number().int().positive(), remainder: z.number().int().nonnegative() }),
]);

const indexDefinition = z.object({
  kind: z.literal("index"),
  columns: z.array(indexKey).min(1),
  unique: z.boolean().optional(),
  name: name.optional(),
  using: name.optional(),
  where: z.string().min(1).optional(),
  include: z.array(name).optional(),
  nullsNotDistinct: z.boolean().optional(),
  with: storageParameters.optional(),
  concurrently: z.boolean().optional(),
});

const constraintDefinition = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("primaryKey"),
    columns: columnList,
    name: name.optional(),
    deferrable: deferrable.optional(),
  }),
  z.object({
    kind: z.literal("unique"),
    columns: columnList,
    name: name.optional(),
    nullsNotDistinct: z.boolean().optional(),
    deferrable: deferrable.optional(),
  }),
  indexDefinition,
  z.object({
    kind: z.literal("check"),
    expression: z.string().min(1),
    name: name.optional(),
    noInherit: z.boolean().optional(),
    notValid: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal("reference"),
    // A single column may be a string, as in @izumisy/kyrage's `t.reference("author_id", users, "id")`.
    columns: z.union([columnList, name.transform((n) => [n])]),
    table: name,
    refColumns: z.union([columnList, name.transform((n) => [n])]),
    inline: z.boolean().optional(),
    onDelete: action.optional(),
    onUpdate: action.optional(),
    name: name.optional(),
    deferrable: deferrable.optional(),
    match: z.enum(["full", "simple"]).optional(),
    notValid: z.boolean().optional(),
  }),
]);

const viewDefinition = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("view"),
    name,
    query: z.string().min(1),
    columns: columnList.optional(),
    securityBarrier: z.boolean().optional(),
    securityInvoker: z.boolean().optional(),
    checkOption: z.enum(["local", "cascaded"]).optional(),
    comment: z.string().optional(),
  }),
  z.object({
    kind: z.literal("materializedView"),
    name,
    query: z.string().min(1),
    columns: columnList.optional(),
    withData: z.boolean().optional(),
    comment: z.string().optional(),
    indexes: z.array(indexDefinition),
  }),
]);

const policyDefinition = z.strictObject({
  kind: z.literal("policy"),
  name,
  table: name,
  command: z.enum(["all", "select", "insert", "update", "delete"]).optional(),
  as: z.enum(["permissive", "restrictive"]).optional(),
  to: z.array(name).min(1).optional(),
  using: z.string().min(1).optional(),
  withCheck: z.string().min(1).optional(),
  comment: z.string().optional(),
});

const tableDefinition = z.object({
  kind: z.literal("table"),
  name,
  columns: z.record(name, columnDefinition),
  constraints: z.array(constraintDefinition),
  renamedFrom: name.optional(),
  comment: z.string().optional(),
  with: storageParameters.optional(),
  unlogged: z.boolean().optional(),
  replicaIdentity: z.union([z.enum(["default", "full", "nothing"]), z.strictObject({ index: name })]).optional(),
  partitionBy: partitionBy.optional(),
  rowLevelSecurity: z.union([z.boolean(), z.literal("force")]).optional(),
  partitionOf: z.strictObject({ table: name, bound: partitionBound }).optional(),
});

const databaseConfig = z.discriminatedUnion("dialect", [
  z.strictObject({
    dialect: z.literal("postgres"),
    connectionString: z.string().min(1).optional(),
  }),
  z.strictObject({ dialect: z.literal("pglite"), dataDir: z.string().min(1).optional() }),
]);

/** `container` is @izumisy/kyrage's; kept in the schema so load.ts can say why kyrage needs none. */
const devConfig = z.strictObject({ connectionString: z.string().min(1).optional(), container: z.unknown().optional() });

// Strict: an unknown key is a typo or an option kyrage lacks, never silently ignored.
export const configSchema = z.strictObject({
  database: databaseConfig.optional(),
  dev: devConfig.optional(),
  migrationsDir: z.string().min(1).optional(),
  online: z.boolean().optional(),
  naming: z.enum(["postgres", "kyrage-v1"]).optional(),
  tables: z.array(tableDefinition),
  enums: z.array(enumDefinition).optional(),
  schemas: z.array(name).optional(),
  types: z.array(userTypeDefinition).optional(),
  views: z.array(viewDefinition).optional(),
  policies: z.array(policyDefinition).optional(),
  domains: z.array(domainDefinition).optional(),
  extensions: z.array(extensionDefinition).optional(),
  sequences: z.array(sequenceDefinition).optional(),
  functions: z.array(routineDefinition).optional(),
  triggers: z.array(triggerDefinition).optional(),
});

const unchecked = z.array(z.unknown());

/**
 * The config with its definitions left unchecked: all `apply` reads (the
 * database, the migrations), 150 ms sooner at 1,000 tables. The whole config
 * is checked when the desired model is built (load.ts).
 */
export const settingsSchema = configSchema.extend({
  tables: unchecked,
  enums: unchecked.optional(),
  types: unchecked.optional(),
  views: unchecked.optional(),
  policies: unchecked.optional(),
  domains: unchecked.optional(),
  extensions: unchecked.optional(),
  sequences: unchecked.optional(),
  functions: unchecked.optional(),
  triggers: unchecked.optional(),
});

export type ValidConfig = z.infer<typeof configSchema>;
export type ValidTable = z.infer<typeof tableDefinition>;
export type ValidColumn = z.infer<typeof columnDefinition>;
export type ValidEnum = z.infer<typeof enumDefinition>;
export type ValidConstraint = z.infer<typeof constraintDefinition>;
export type ValidView = z.infer<typeof viewDefinition>;
export type ValidPolicy = z.infer<typeof policyDefinition>;
export type { ValidDomain } from "./user_types_schema.ts";
export type ValidExtension = z.infer<typeof extensionDefinition>;
export type ValidSequence = z.infer<typeof sequenceDefinition>;
export type ValidPartitionBy = z.infer<typeof partitionBy>;
export type ValidPartitionBound = z.infer<typeof partitionBound>;

/** `["tables", 2, "columns", "email", "type"]` → `tables[2].columns.email.type`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(root)";
}

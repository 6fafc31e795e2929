/** Zod schemas for the config file's default export. */
import { z } from "zod";

const name = z.string().min(1);
const columnList = z.array(name).min(1);
const action = z.enum([
  "no action",
  "restrict",
  "cascade",
  "set null",
  "set default",
]);

const enumDefinition = z.object({
  kind: z.literal("enum"),
  name,
  values: z.array(z.string()).min(1),
});

const columnDefinition = z.object({
  kind: z.literal("column"),
  type: name,
  enum: enumDefinition.optional(),
  primaryKey: z.boolean().optional(),
  unique: z.boolean().optional(),
  notNull: z.boolean().optional(),
  defaultSql: z.string().min(1).optional(),
  identity: z.enum(["always", "by default"]).optional(),
  generatedAs: z.string().min(1).optional(),
  renamedFrom: name.optional(),
  using: z.string().min(1).optional(),
  comment: z.string().optional(),
});

const constraintDefinition = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("primaryKey"), columns: columnList, name: name.optional() }),
  z.object({ kind: z.literal("unique"), columns: columnList, name: name.optional() }),
  z.object({
    kind: z.literal("index"),
    columns: columnList,
    unique: z.boolean().optional(),
    name: name.optional(),
  }),
  z.object({
    kind: z.literal("reference"),
    columns: columnList,
    table: name,
    refColumns: columnList,
    onDelete: action.optional(),
    onUpdate: action.optional(),
    name: name.optional(),
  }),
]);

const tableDefinition = z.object({
  kind: z.literal("table"),
  name,
  columns: z.record(name, columnDefinition),
  constraints: z.array(constraintDefinition),
  renamedFrom: name.optional(),
  comment: z.string().optional(),
});

const databaseConfig = z.discriminatedUnion("dialect", [
  z.object({
    dialect: z.literal("postgres"),
    connectionString: z.string().min(1).optional(),
  }),
  z.object({ dialect: z.literal("pglite"), dataDir: z.string().min(1).optional() }),
]);

export const configSchema = z.object({
  database: databaseConfig.optional(),
  migrationsDir: z.string().min(1).optional(),
  tables: z.array(tableDefinition),
  enums: z.array(enumDefinition).optional(),
});

export type ValidConfig = z.infer<typeof configSchema>;
export type ValidTable = z.infer<typeof tableDefinition>;
export type ValidColumn = z.infer<typeof columnDefinition>;
export type ValidEnum = z.infer<typeof enumDefinition>;

/** `["tables", 2, "columns", "email", "type"]` → `tables[2].columns.email.type`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(root)";
}

/**
 * The migration file format: operations (not SQL), so a file replays the
 * same way on every kyrage version and dialect. Validated with zod on read.
 */
import { z } from "zod";
import type { Operation } from "../diff/operations.ts";
import { formatPath } from "../config/schema.ts";
import { KyrageError } from "../errors.ts";
import {
  attribute,
  attributes,
  change,
  check,
  column,
  compression,
  deferrable,
  foreignKey,
  identity,
  index,
  name,
  names,
  onTable,
  parameters,
  partitionBy,
  partitionOf,
  primaryKey,
  rangeDefinition,
  replicaIdentity,
  sequenceOptions,
  serial,
  storage,
  unique,
} from "./file_parts.ts";
import { dbObject } from "./file_objects.ts";
import { qualifiedName, typeName } from "./file_spelling.ts";

/** Bumped when the format changes; newer files are refused, not guessed at. */
export const FORMAT_VERSION = 1;

const operation = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("create_object"), object: dbObject }),
  z.strictObject({ kind: z.literal("drop_object"), object: dbObject, recreated: z.boolean().optional() }),
  z.strictObject({
    kind: z.literal("alter_object"),
    from: dbObject,
    to: dbObject,
    columns: z.array(z.strictObject({ schema: name, table: name, column: name })).optional(),
    containers: z.array(z.string()).optional(),
  }),
  z.strictObject({ kind: z.literal("create_schema"), schema: name }),
  z.strictObject({ kind: z.literal("create_enum"), schema: name, name, values: z.array(z.string()).min(1) }),
  z.strictObject({ kind: z.literal("drop_enum"), schema: name, name, values: z.array(z.string()) }),
  z.strictObject({
    kind: z.literal("add_enum_value"),
    schema: name,
    name,
    value: z.string(),
    before: z.string().optional(),
  }),
  z.strictObject({
    kind: z.literal("recreate_enum"),
    schema: name,
    name,
    from: z.array(z.string()),
    to: z.array(z.string()).min(1),
    columns: z.array(z.strictObject({
      schema: name,
      table: name,
      column: name,
      array: z.boolean(),
      default: z.string().optional(),
    })),
  }),
  z.strictObject({
    kind: z.literal("create_table"),
    ...onTable,
    columns: z.array(column),
    primaryKey: primaryKey.optional(),
    comment: z.string().optional(),
    with: parameters.optional(),
    unlogged: z.boolean().optional(),
    partitionBy: partitionBy.optional(),
    partitionOf: partitionOf.optional(),
  }),
  z.strictObject({ kind: z.literal("drop_table"), ...onTable, columns: names, partitionOf: partitionOf.optional() }),
  z.strictObject({ kind: z.literal("rename_table"), schema: name, from: name, to: name }),
  z.strictObject({ kind: z.literal("add_column"), ...onTable, column }),
  z.strictObject({ kind: z.literal("drop_column"), ...onTable, column }),
  z.strictObject({ kind: z.literal("rename_column"), ...onTable, from: name, to: name }),
  z.strictObject({
    kind: z.literal("alter_column"),
    ...onTable,
    column: name,
    type: typeName.optional(),
    changes: z.strictObject({
      generated: z.strictObject({ from: z.string() }).optional(),
      type: z.strictObject({
        from: typeName,
        to: typeName,
        using: z.string().optional(),
        viaText: z.boolean().optional(),
      }).optional(),
      notNull: z.strictObject({ from: z.boolean(), to: z.boolean() }).optional(),
      default: change(z.string()).optional(),
      serial: change(serial).optional(),
      identity: change(identity).optional(),
      identityOptions: z.strictObject({ from: sequenceOptions, to: sequenceOptions }).optional(),
      comment: change(z.string()).optional(),
      storage: change(storage).optional(),
      compression: change(compression).optional(),
      collation: change(qualifiedName).optional(),
    }),
  }),
  z.strictObject({ kind: z.literal("drop_default"), ...onTable, column: name, default: z.string() }),
  z.strictObject({ kind: z.literal("add_primary_key"), ...onTable, primaryKey, usingIndex: z.boolean().optional() }),
  z.strictObject({ kind: z.literal("drop_primary_key"), ...onTable, primaryKey }),
  z.strictObject({ kind: z.literal("add_unique"), ...onTable, unique, usingIndex: z.boolean().optional() }),
  z.strictObject({ kind: z.literal("drop_unique"), ...onTable, unique }),
  z.strictObject({ kind: z.literal("add_foreign_key"), ...onTable, foreignKey }),
  z.strictObject({ kind: z.literal("drop_foreign_key"), ...onTable, foreignKey }),
  z.strictObject({ kind: z.literal("add_check"), ...onTable, check }),
  z.strictObject({ kind: z.literal("drop_check"), ...onTable, check }),
  z.strictObject({ kind: z.literal("rename_constraint"), ...onTable, from: name, to: name }),
  z.strictObject({ kind: z.literal("create_index"), ...onTable, index }),
  z.strictObject({ kind: z.literal("drop_index"), ...onTable, index, concurrently: z.boolean().optional() }),
  z.strictObject({ kind: z.literal("rename_index"), ...onTable, from: name, to: name }),
  z.strictObject({ kind: z.literal("rename_sequence"), ...onTable, from: name, to: name }),
  z.strictObject({ kind: z.literal("rename_not_null"), ...onTable, column: name, from: name, to: name }),
  z.strictObject({ kind: z.literal("set_table_comment"), ...onTable, comment: z.string().optional() }),
  z.strictObject({
    kind: z.literal("alter_table"),
    ...onTable,
    changes: z.strictObject({
      with: change(parameters).optional(),
      unlogged: z.strictObject({ from: z.boolean(), to: z.boolean() }).optional(),
      replicaIdentity: change(replicaIdentity).optional(),
      rowLevelSecurity: z.strictObject({ from: z.boolean(), to: z.boolean() }).optional(),
      forceRowLevelSecurity: z.strictObject({ from: z.boolean(), to: z.boolean() }).optional(),
    }),
  }),
  z.strictObject({ kind: z.literal("alter_constraint"), ...onTable, name, deferrable: change(deferrable) }),
  z.strictObject({ kind: z.literal("validate_constraint"), ...onTable, name }),
  z.strictObject({ kind: z.literal("set_not_null"), ...onTable, column: name, check: name }),
  z.strictObject({ kind: z.literal("sql"), sql: z.string(), transaction: z.boolean().optional() }),
  z.strictObject({ kind: z.literal("create_composite_type"), schema: name, name, attributes }),
  z.strictObject({ kind: z.literal("drop_composite_type"), schema: name, name, attributes }),
  z.strictObject({
    kind: z.literal("alter_composite_type"),
    schema: name,
    name,
    changes: z.strictObject({
      drop: attributes.optional(),
      alter: z.array(z.strictObject({ from: attribute, to: attribute })).optional(),
      add: attributes.optional(),
    }),
  }),
  z.strictObject({ kind: z.literal("recreate_composite_type"), schema: name, name, from: attributes, to: attributes }),
  z.strictObject({ kind: z.literal("create_range_type"), schema: name, name, definition: rangeDefinition }),
  z.strictObject({ kind: z.literal("drop_range_type"), schema: name, name, definition: rangeDefinition }),
  z.strictObject({
    kind: z.literal("recreate_range_type"),
    schema: name,
    name,
    from: rangeDefinition,
    to: rangeDefinition,
  }),
  z.strictObject({
    kind: z.literal("attach_partition"),
    ...onTable,
    partitionOf,
    detachFrom: partitionOf.optional(),
    check: name.optional(),
  }),
  z.strictObject({ kind: z.literal("detach_partition"), ...onTable, partitionOf }),
]);

const migrationFile = z.strictObject({
  format: z.number().int().positive(),
  id: z.string().refine(
    (id) => migrationTime(id) !== undefined,
    "expected a 17-digit id that is a UTC time (YYYYMMDDHHMMSSmmm)",
  ),
  createdAt: z.string(),
  /** Set by `generate --allow-destructive`; `apply` refuses destructive operations otherwise. */
  allowDestructive: z.boolean(),
  operations: z.array(operation),
});

export interface MigrationFile {
  readonly format: number;
  readonly id: string;
  readonly createdAt: string;
  readonly allowDestructive: boolean;
  readonly operations: readonly Operation[];
}

const UNREADABLE = "kyrage reads every migration file before it does anything, so nothing was done; " +
  "fix the file or restore it from version control.";

/** Parse and validate a migration file's text; errors name the file. */
export function parseMigration(text: string, path: string): MigrationFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KyrageError(
      `Migration file ${path} is not valid JSON: ${(error as Error).message}. ${UNREADABLE}`,
    );
  }
  const format = (json as { format?: unknown })?.format;
  if (typeof format === "number" && format > FORMAT_VERSION) {
    throw new KyrageError(
      `Migration file ${path} has format ${format}, written by a newer kyrage (this one reads format ${FORMAT_VERSION}). Upgrade kyrage to apply it.`,
    );
  }
  const result = migrationFile.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new KyrageError(
      `Migration file ${path} is malformed at ${formatPath(issue.path)}: ${issue.message}. ${UNREADABLE}`,
    );
  }
  return result.data as MigrationFile;
}

/** Stable, readable JSON: the same operations always give the same bytes. */
export function serializeMigration(file: MigrationFile): string {
  return JSON.stringify(file, null, 2) + "\n";
}

/** A sortable id from the creation time: `YYYYMMDDHHMMSSmmm` in UTC. */
export function migrationId(date: Date): string {
  return date.toISOString().replace(/[-:TZ.]/g, "");
}

/** The time an id stands for, or undefined when it is none (month 99): ids sort as times only when they are times. */
export function migrationTime(id: string): Date | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(id);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second, ms] = parts.slice(1).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  // Date rolls an out-of-range field over (day 32 is the 1st of the next month): only a real time reads back the same.
  return migrationId(date) === id ? date : undefined;
}

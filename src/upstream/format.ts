/**
 * The migration files of the original @izumisy/kyrage (Node):
 * `migrations/<epoch-ms>.json` = `{ version: "1", id, diff: { operations } }`
 * with its 14 operation types. Read only, to import them.
 */
import { z } from "zod";
import { migrationId } from "../migrations/file.ts";
import { clipToBytes, MAX_IDENTIFIER_BYTES } from "../model/names.ts";

/**
 * An identifier as PostgreSQL stored it: upstream wrote its default names in
 * full (`idx_<table>_<columns>` may pass 63 bytes) and the server kept the first 63.
 */
const name = z.string().min(1).transform((n) => clipToBytes(n, MAX_IDENTIFIER_BYTES));
const names = z.union([z.array(name).min(1), name.transform((n) => [n])]);
const action = z.enum(["cascade", "set null", "set default", "restrict", "no action"]);
/** `{ type, notNull?, primaryKey?, unique?, defaultSql? }` plus whatever else upstream stored. */
const attributes = z.looseObject({
  type: z.string().min(1),
  notNull: z.boolean().optional(),
  primaryKey: z.boolean().optional(),
  unique: z.boolean().optional(),
  defaultSql: z.string().optional(),
});
const onTable = { table: name };
const constraint = { ...onTable, name };
const foreignKey = {
  name,
  columns: names,
  referencedTable: name,
  referencedColumns: names,
  onDelete: action.optional(),
  onUpdate: action.optional(),
  inline: z.boolean().optional(),
};

export const upstreamOperation = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("create_table"), ...onTable, columns: z.record(name, attributes) }),
  z.looseObject({
    type: z.literal("create_table_with_constraints"),
    ...onTable,
    columns: z.record(name, attributes),
    constraints: z.looseObject({
      primaryKey: z.looseObject({ name, columns: names }).optional(),
      unique: z.array(z.looseObject({ name, columns: names })).optional(),
      foreignKeys: z.array(z.looseObject(foreignKey)).optional(),
    }).optional(),
  }),
  z.looseObject({ type: z.literal("drop_table"), ...onTable }),
  z.looseObject({ type: z.literal("add_column"), ...onTable, column: name, attributes }),
  z.looseObject({ type: z.literal("drop_column"), ...onTable, column: name, attributes: attributes.optional() }),
  z.looseObject({ type: z.literal("alter_column"), ...onTable, column: name, before: attributes, after: attributes }),
  z.looseObject({ type: z.literal("create_index"), ...constraint, columns: names, unique: z.boolean().optional() }),
  z.looseObject({ type: z.literal("drop_index"), ...constraint }),
  z.looseObject({ type: z.literal("create_primary_key_constraint"), ...constraint, columns: names }),
  z.looseObject({ type: z.literal("drop_primary_key_constraint"), ...constraint }),
  z.looseObject({ type: z.literal("create_unique_constraint"), ...constraint, columns: names }),
  z.looseObject({ type: z.literal("drop_unique_constraint"), ...constraint }),
  z.looseObject({ type: z.literal("create_foreign_key_constraint"), ...onTable, ...foreignKey }),
  z.looseObject({ type: z.literal("drop_foreign_key_constraint"), ...constraint }),
]);

export type UpstreamOperation = z.infer<typeof upstreamOperation>;
export type UpstreamAttributes = z.infer<typeof attributes>;

const LAST_MS_OF_9999 = Date.UTC(10000, 0, 1);

export const upstreamMigration = z.looseObject({
  version: z.string(),
  id: z.string().regex(/^\d{1,15}$/, "expected upstream's id, the creation time in epoch milliseconds")
    // kyrage's ids are 17 digits, YYYYMMDDHHMMSSmmm: the same instant needs a four-digit year.
    .refine((id) => Number(id) < LAST_MS_OF_9999, "expected upstream's id, a creation time before the year 10000"),
  diff: z.looseObject({ operations: z.array(upstreamOperation) }),
});

export type UpstreamMigration = z.infer<typeof upstreamMigration>;

/** What an upstream file looks like before it is validated: `version` and `diff`, no `format`. */
export function looksUpstream(json: unknown): boolean {
  return typeof json === "object" && json !== null && "version" in json && "diff" in json && !("format" in json);
}

/** Upstream's 0.x files (`diff.addedTables`), which upstream 1.x cannot read either. */
export function isLegacyUpstream(json: unknown): boolean {
  const diff = (json as { diff?: Record<string, unknown> })?.diff;
  return typeof diff === "object" && diff !== null && ("addedTables" in diff || "changedTables" in diff);
}

/** kyrage's id for an upstream id: the same instant, so order and time order are kept. */
export function kyrageIdOf(upstreamId: string): string {
  return migrationId(new Date(Number(upstreamId)));
}

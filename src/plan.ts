/**
 * The planning pipeline every command shares: introspect the database,
 * diff it against the desired model, and render operations as SQL.
 */
import { compileOperation } from "./dialect/postgres/compile.ts";
import { introspect, unknownTypes } from "./dialect/postgres/introspect.ts";
import { normalizeDesired } from "./dialect/postgres/normalize_db.ts";
import type { Database } from "./dialect/database.ts";
import { diffSchemas } from "./diff/diff.ts";
import { partitioningConflicts } from "./diff/partitions.ts";
import type { Operation } from "./diff/operations.ts";
import { HISTORY_QUALIFIED } from "./migrations/history.ts";
import type { SchemaModel } from "./model/types.ts";
import { userTypeName } from "./model/from_config.ts";
import { KyrageError } from "./errors.ts";
import { openDevDatabase } from "./migrations/dev.ts";
import type { StoredMigration } from "./migrations/store.ts";

/** The actual model of the schemas `desired` manages. */
export function introspectFor(database: Database, desired: SchemaModel): Promise<SchemaModel> {
  return introspect(database.db, { schemas: desired.schemas, excludeTables: [HISTORY_QUALIFIED] });
}

/** The operations that take the database to the desired model. */
export async function planChanges(database: Database, desired: SchemaModel): Promise<Operation[]> {
  await checkTypes(database, desired);
  const normal = await normalizeDesired(database.db, desired);
  const actual = await introspectFor(database, desired);
  const conflicts = partitioningConflicts(actual, normal);
  if (conflicts.length > 0) {
    // Rebuilding the table instead would lose its rows: say what to do.
    throw new KyrageError(
      `Cannot plan the change on ${database.label}: ${conflicts.join("; ")}. Nothing was planned or written.`,
    );
  }
  return diffSchemas(actual, normal);
}

/**
 * Refuse types PostgreSQL does not know before anything is written, so a
 * migration never fails halfway on a typo. Enums the config declares do not
 * exist yet and are skipped.
 */
async function checkTypes(database: Database, desired: SchemaModel): Promise<void> {
  const declared = new Set(desired.enums.map((e) => userTypeName(e.schema, e.name)));
  const columnsByType = new Map<string, string[]>();
  for (const table of desired.tables) {
    for (const column of table.columns) {
      if (declared.has(column.type.replace(/\[\]$/, ""))) continue;
      const at = `${table.schema}.${table.name}.${column.name}`;
      const columns = columnsByType.get(column.type);
      if (columns) columns.push(at);
      else columnsByType.set(column.type, [at]);
    }
  }
  const unknown = await unknownTypes(database.db, [...columnsByType.keys()]);
  if (unknown.length > 0) {
    const list = unknown.map((t) => `"${t}" (column ${columnsByType.get(t)!.join(", ")})`).join("; ");
    throw new KyrageError(
      `PostgreSQL on ${database.label} does not know the type ${list}. Fix the type in the config ` +
        "(or install the extension that provides it); nothing was planned.",
    );
  }
}

/** Each operation's statements, terminated, in order. */
export function renderSql(ops: readonly Operation[]): string[] {
  return ops.flatMap(compileOperation).map((s) => `${s};`);
}

/**
 * Drift: how the live schema differs from what its applied history implies.
 * Replays the applied files on the dev database and diffs the target
 * against that; the operations would restore the expected state.
 */
export async function detectDrift(
  target: Database,
  desired: SchemaModel,
  applied: readonly StoredMigration[],
): Promise<Operation[]> {
  const dev = await openDevDatabase(applied);
  try {
    const expected = await introspectFor(dev, desired);
    return diffSchemas(await introspectFor(target, desired), expected);
  } finally {
    await dev.close();
  }
}

/**
 * The planning pipeline every command shares: introspect the database,
 * diff it against the desired model, and render operations as SQL.
 */
import { compileOperation } from "./dialect/postgres/compile.ts";
import { introspect } from "./dialect/postgres/introspect.ts";
import type { Database } from "./dialect/database.ts";
import { diffSchemas } from "./diff/diff.ts";
import type { Operation } from "./diff/operations.ts";
import { HISTORY_QUALIFIED } from "./migrations/runner.ts";
import type { SchemaModel } from "./model/types.ts";

/** The actual model of the schemas `desired` manages. */
export function introspectFor(database: Database, desired: SchemaModel): Promise<SchemaModel> {
  return introspect(database.db, { schemas: desired.schemas, excludeTables: [HISTORY_QUALIFIED] });
}

/** The operations that take the database to the desired model. */
export async function planChanges(database: Database, desired: SchemaModel): Promise<Operation[]> {
  return diffSchemas(await introspectFor(database, desired), desired);
}

/** Each operation's statements, terminated, in order. */
export function renderSql(ops: readonly Operation[]): string[] {
  return ops.flatMap(compileOperation).map((s) => `${s};`);
}

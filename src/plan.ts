/**
 * The planning pipeline every command shares: introspect the database,
 * diff it against the desired model, and render operations as SQL.
 */
import { sql } from "kysely";
import { compileOperation } from "./dialect/postgres/compile.ts";
import { ident, literal, qualified } from "./dialect/postgres/quote.ts";
import { introspect, unknownTypes } from "./dialect/postgres/introspect.ts";
import { normalizeDesired } from "./dialect/postgres/normalize_db.ts";
import type { Database } from "./dialect/database.ts";
import { diffSchemas } from "./diff/diff.ts";
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
  return diffSchemas(await introspectFor(database, desired), normal);
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
      columnsByType.set(column.type, [...(columnsByType.get(column.type) ?? []), at]);
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

export interface NullBlocker {
  /** `schema.table.column` */
  readonly column: string;
  /** NULL rows found, counted up to 1,000. */
  readonly nulls: number;
}

/**
 * Columns the operations make NOT NULL that hold NULLs now: `SET NOT NULL`
 * would fail on them at apply time. One query for all of them; columns of
 * tables or columns renamed in the same plan are left to PostgreSQL.
 */
export async function nullBlockers(database: Database, ops: readonly Operation[]): Promise<NullBlocker[]> {
  const renamed = new Set(
    ops.flatMap((op) =>
      op.kind === "rename_table"
        ? [`${op.schema}.${op.to}`]
        : op.kind === "rename_column"
        ? [`${op.schema}.${op.table}.${op.to}`]
        : []
    ),
  );
  const checks = ops.flatMap((op) =>
    op.kind === "alter_column" && op.changes.notNull?.to === true && !renamed.has(`${op.schema}.${op.table}`) &&
      !renamed.has(`${op.schema}.${op.table}.${op.column}`)
      ? [{
        label: `${op.schema}.${op.table}.${op.column}`,
        table: qualified(op.schema, op.table),
        column: ident(op.column),
      }]
      : []
  );
  if (checks.length === 0) return [];
  const query = checks.map((c) =>
    `select ${literal(c.label)} as column, count(*)::int as nulls ` +
    `from (select 1 from ${c.table} where ${c.column} is null limit 1000) s`
  ).join(" union all ");
  const rows = await sql.raw<NullBlocker>(query).execute(database.db);
  return rows.rows.filter((r) => r.nulls > 0);
}

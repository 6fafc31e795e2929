/**
 * `pull`: a live database → a schema file in kyrage's DSL, and optionally a
 * baseline migration recorded as already applied, so an existing database
 * starts its kyrage history without re-running any DDL.
 */
import { sql } from "kysely";
import type { Database } from "../dialect/database.ts";
import { introspect } from "../dialect/postgres/introspect.ts";
import { diffSchemas } from "../diff/diff.ts";
import { FORMAT_VERSION } from "../migrations/file.ts";
import { ensureHistoryTable, HISTORY_QUALIFIED, HISTORY_TABLES, readHistory } from "../migrations/history.ts";
import { nextMigrationId, readMigration, readMigrations, writeMigration } from "../migrations/store.ts";
import { KyrageError } from "../errors.ts";
import { EMPTY_MODEL, type SchemaModel } from "../model/schema_model.ts";
import { configKeys, renderSchema } from "./render.ts";
import { pullSchema } from "./to_config.ts";
import { unsupportedObjects } from "./unsupported.ts";
import { extensionSchemas } from "./extensions.ts";
import { refuseOutsideUses } from "./outside.ts";

export interface Pulled {
  readonly model: SchemaModel;
  readonly source: string;
  readonly unsupported: readonly string[];
  /** The arrays the source exports, each under its config key: `["tables", "enums", "schemas"]`. */
  readonly keys: readonly string[];
}

export async function pullDatabase(database: Database, asked: readonly string[]): Promise<Pulled> {
  const schemas = [...asked, ...await extensionSchemas(database.db, asked)];
  await refuseOutsideUses(database.db, schemas);
  const model = await introspect(database.db, { schemas, excludeTables: HISTORY_TABLES });
  const unsupported = await unsupportedObjects(database.db, schemas);
  const schema = pullSchema(model);
  return { model, unsupported, source: renderSchema(schema, unsupported), keys: configKeys(schema) };
}

/**
 * Refuse a baseline before anything is written when there is a history to
 * join already: migration files (unreadable ones are named by readMigrations)
 * or applied migrations on the database.
 */
export async function checkBaseline(database: Database, migrationsDir: string): Promise<void> {
  const files = await readMigrations(migrationsDir);
  const applied = await readHistory(database.db);
  if (files.length === 0 && applied.length === 0) return;
  throw new KyrageError(
    `pull --baseline starts a migration history, but ${
      files.length > 0 ? `${migrationsDir} already holds ${files.length} migration file(s)` : ""
    }${files.length > 0 && applied.length > 0 ? " and " : ""}${
      applied.length > 0 ? `${database.label} has ${applied.length} applied migration(s)` : ""
    }. Pull without --baseline (and \`kyrage generate\` the difference), or start from an empty migrations directory ` +
      "on a database without kyrage history. Nothing was written.",
  );
}

/**
 * Write the migration that creates `model` from empty and record it as
 * applied on `database`: replaying it (dev database, `check`) rebuilds the
 * schema, while the database itself runs nothing. The caller holds the
 * migrations directory's lock (migrations/lock.ts) from `checkBaseline` on.
 */
export async function writeBaseline(database: Database, model: SchemaModel, migrationsDir: string): Promise<string> {
  const empty = EMPTY_MODEL;
  const path = await writeMigration(migrationsDir, {
    format: FORMAT_VERSION,
    id: nextMigrationId(await readMigrations(migrationsDir)),
    createdAt: new Date().toISOString(),
    allowDestructive: false,
    operations: diffSchemas(empty, model),
  });
  const stored = await readMigration(path);
  await ensureHistoryTable(database.db);
  await sql`insert into ${sql.table(HISTORY_QUALIFIED)} (id, checksum) values (${stored.id}, ${stored.checksum})`
    .execute(database.db);
  return path;
}
/**
 * Schemas named by `--schema` must exist: a typo (`sales` for `Sales`)
 * would pull nothing from it, and a baseline would record it adopted.
 */
export async function requireSchemas(database: Database, schemas: readonly string[]): Promise<void> {
  const present = (await sql<{ name: string }>`select nspname as name from pg_namespace`.execute(database.db)).rows
    .map((r) => r.name);
  const missing = schemas.filter((s) => !present.includes(s));
  if (missing.length === 0) return;
  const near = missing.flatMap((m) => present.filter((p) => p.toLowerCase() === m.toLowerCase()).map((p) => `"${p}"`));
  throw new KyrageError(
    `--schema names ${missing.map((m) => `"${m}"`).join(", ")}, which ${database.label} does not have` +
      (near.length > 0 ? ` (it has ${near.join(", ")}: names are case-sensitive)` : "") +
      "; nothing was written. Pass the schemas as the database spells them.",
  );
}

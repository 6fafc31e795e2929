/**
 * A model read from one database, in the text another one prints. View
 * queries, checks, defaults, policies, ... are stored as PostgreSQL deparses
 * them, and the deparse changes between versions (PostgreSQL 16 stopped
 * qualifying the columns of a one-table view: `SELECT users.id` became
 * `SELECT id`). Drift compares the dev database's replay (PGlite: another
 * version than most servers) with the target, so the replay's model is put
 * through the same scratch builds as a plan's desired model, on the target.
 */
import { sql } from "kysely";
import type { SchemaModel } from "../../model/schema_model.ts";
import { KyrageError, messageOf } from "../../errors.ts";
import type { Db } from "./introspect/scope.ts";
import { normalizeDesired } from "./normalize_db.ts";
import { normalizeObjects } from "./normalize_objects.ts";

/** `server_version_num` (e.g. 150013): the deparse code a database runs. */
async function serverVersion(db: Db): Promise<string> {
  const result = await sql<{ version: string }>`select current_setting('server_version_num') as version`.execute(db);
  return result.rows[0].version;
}

/**
 * `model`, read from `source`, as `target` prints it. The same server
 * version prints the same text: then the model is returned as it is,
 * without a round trip through scratch builds.
 */
export async function normalizeOn(
  target: { readonly db: Db; readonly label: string },
  source: Db,
  model: SchemaModel,
): Promise<SchemaModel> {
  const [from, to] = await Promise.all([serverVersion(source), serverVersion(target.db)]);
  if (from === to) return model;
  try {
    return await normalizeObjects(target.db, await normalizeDesired(target.db, model));
  } catch (error) {
    throw new KyrageError(
      `Cannot read the schema the applied migrations produce (replayed on PostgreSQL ${from}) back as ` +
        `${target.label} (PostgreSQL ${to}) prints it: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

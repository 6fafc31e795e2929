/**
 * `dev: { connectionString }`: the dev database is a scratch database on
 * that server, created empty for one use and dropped when closed, so the
 * server's own databases are never touched and extensions PGlite lacks are
 * there. Those a killed kyrage left are dropped by the next one.
 */
import { sql } from "kysely";
import type { DevServer } from "../config/load.ts";
import { openDatabase } from "../dialect/database.ts";
import type { Database } from "../dialect/types.ts";
import { KyrageError, messageOf } from "../errors.ts";

/**
 * The same server and credentials, another database: a later `dbname` overrides the first, in a URL's query too
 * (`new URL` refuses a multi-host URL, and its error quotes the whole string, password included).
 */
function withDatabase(connectionString: string, database: string): string {
  // key=value settings: a later keyword overrides an earlier one.
  if (!/^(postgres(ql)?|psql):\/\//i.test(connectionString)) return `${connectionString} dbname=${database}`;
  // The parser refuses a `?` anywhere else (a password must percent-encode it): one there starts the query.
  return `${connectionString}${connectionString.includes("?") ? "&" : "?"}dbname=${encodeURIComponent(database)}`;
}

/** A scratch database this old that no one is connected to was left by a killed kyrage. */
const LEFTOVER_AFTER_MS = 10 * 60_000;

/** Drop the scratch databases killed kyrage processes left (a killed process cannot drop its own). */
async function dropLeftovers(admin: Database): Promise<void> {
  const found = await sql<{ name: string }>`
    select datname as name from pg_database where datname like 'kyrage_dev_%'`.execute(admin.db);
  for (const { name } of found.rows) {
    const created = parseInt(/^kyrage_dev_([0-9a-z]+)_[0-9a-f]{8}$/.exec(name)?.[1] ?? "", 36);
    if (!(Date.now() - created > LEFTOVER_AFTER_MS)) continue;
    // Without FORCE: one in use (a long watch) is refused and kept; so is one the role does not own.
    await sql`drop database if exists ${sql.id(name)}`.execute(admin.db).catch(() => {});
  }
}

export async function openScratchDatabase(dev: DevServer): Promise<Database> {
  const admin = await openDatabase({ dialect: "postgres", connectionString: dev.connectionString, origin: dev.origin });
  await dropLeftovers(admin);
  const name = `kyrage_dev_${Date.now().toString(36)}_${crypto.randomUUID().slice(0, 8)}`;
  let scratch: Database;
  try {
    await sql`create database ${sql.id(name)}`.execute(admin.db);
  } catch (error) {
    await admin.close();
    throw new KyrageError(
      `Cannot create a scratch dev database on ${admin.label} (${dev.origin}): ${messageOf(error)}. ` +
        "kyrage creates one per use and drops it after; the role needs CREATEDB.",
    );
  }
  const drop = async () => {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db).finally(() => admin.close());
  };
  try {
    scratch = await openDatabase({
      dialect: "postgres",
      connectionString: withDatabase(dev.connectionString, name),
      origin: dev.origin,
    });
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    ...scratch,
    label: `the dev database (scratch database ${name} on ${admin.label})`,
    close: async () => {
      try {
        await scratch.close();
      } finally {
        await drop();
      }
    },
  };
}

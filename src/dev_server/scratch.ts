/**
 * `dev: { connectionString }`: the dev database is a scratch database on
 * that server, created empty for one use and dropped when closed, so the
 * server's own databases are never touched and extensions PGlite lacks are
 * there.
 */
import { sql } from "kysely";
import type { DevServer } from "../config/load.ts";
import { openDatabase } from "../dialect/database.ts";
import type { Database } from "../dialect/types.ts";
import { KyrageError, messageOf } from "../errors.ts";

/** The same server and credentials, another database. */
export function withDatabase(connectionString: string, database: string): string {
  if (/^postgres(ql)?:\/\//.test(connectionString)) {
    const url = new URL(connectionString);
    url.pathname = `/${database}`;
    return url.toString();
  }
  // key=value settings: a later keyword overrides an earlier one.
  return `${connectionString} dbname=${database}`;
}

export async function openScratchDatabase(dev: DevServer): Promise<Database> {
  const admin = await openDatabase({ dialect: "postgres", connectionString: dev.connectionString, origin: dev.origin });
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

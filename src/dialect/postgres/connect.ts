/** A PostgreSQL server through postgres.js and kysely-postgres-js. */
import { Kysely, sql } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import { KyrageError, messageOf } from "../../errors.ts";
import type { Database } from "../database.ts";
import { passwordOf, redactUrl } from "../database.ts";
import { guardReservedConnections } from "./lost_connection.ts";

export async function openPostgres(connectionString: string): Promise<Database> {
  const label = redactUrl(connectionString);
  let client: postgres.Sql;
  try {
    client = postgres(connectionString, {
      max: 4,
      connect_timeout: 10,
      onnotice: () => {},
      // Every query runs once per process: named prepared statements would only pile up
      // (applying 5,000 tables was 5x slower than psql with them).
      prepare: false,
      // Keep fetch_types on: it parses array results, and with it off
      // reserve() on a cold pool never settles (porsager/postgres#751).
    });
  } catch (error) {
    throw new KyrageError(
      `Invalid PostgreSQL connection string for ${label}: ${scrub(messageOf(error), connectionString)}`,
    );
  }
  // A session the server ends must reject queries, not crash the process (see lost_connection.ts).
  const db = new Kysely({ dialect: new PostgresJSDialect({ postgres: guardReservedConnections(client) }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new KyrageError(
      `Cannot connect to PostgreSQL at ${label}: ${scrub(messageOf(error), connectionString)}. ` +
        "Check that the server is running and the connection string (--database-url, DATABASE_URL or the config) is right.",
    );
  }
  return { db, label, dialect: "postgres", close: () => db.destroy() };
}

function scrub(message: string, connectionString: string): string {
  const password = passwordOf(connectionString);
  return password ? message.replaceAll(password, "***") : message;
}

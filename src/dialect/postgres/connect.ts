/** A PostgreSQL server through postgres.js and kysely-postgres-js. */
import { Kysely, sql } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import { KyrageError, messageOf } from "../../errors.ts";
import { type ConnectionSettings, parseConnectionString, scrubSecrets, secretsOf } from "../connection_string.ts";
import type { Database } from "../types.ts";
import { guardReservedConnections } from "./lost_connection.ts";
import { simpleWithoutParameters } from "./simple_queries.ts";

/**
 * Open a `postgres://` URL or a libpq `key=value` string. postgres.js gets an options object, never the string:
 * its own URL parsing throws errors that quote the string, password included.
 */
export async function openPostgres(
  connectionString: string,
  origin?: string,
  options: PostgresOptions = {},
): Promise<Database> {
  const secrets = secretsOf(connectionString);
  const parsed = parseConnectionString(connectionString);
  const from = origin ? ` from ${origin}` : "";
  if (!parsed.ok) throw new KyrageError(`The PostgreSQL connection string${from} ${parsed.problem}`);
  const { label, settings } = parsed;
  try {
    return await connect(label, settings, secrets, from, options);
  } catch (error) {
    // A pooler such as PgBouncer refuses startup parameters it does not track: plan without the timeout there.
    if (options.lockTimeout === undefined || !/unsupported startup parameter/i.test(messageOf(error))) throw error;
    return await connect(label, settings, secrets, from, { ...options, lockTimeout: undefined });
  }
}

async function connect(
  label: string,
  settings: ConnectionSettings,
  secrets: readonly string[],
  from: string,
  options: PostgresOptions,
): Promise<Database> {
  let db: Kysely<unknown> | undefined;
  let client: postgres.Sql | undefined;
  try {
    // A session the server ends must reject queries, not crash the process (see lost_connection.ts).
    client = guardReservedConnections(
      simpleWithoutParameters(postgres(clientOptions(settings, options))),
    );
    db = new Kysely({ dialect: new PostgresJSDialect({ postgres: client }) });
    await withinConnectTimeout(sql`select 1`.execute(db), settings.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT);
  } catch (error) {
    // The first query may never settle (see withinConnectTimeout): end without waiting for it.
    await client?.end({ timeout: 0 }).catch(() => {});
    await db?.destroy().catch(() => {});
    // The server's and the driver's words may still hold the password (a user or host spelled like it).
    throw new KyrageError(
      scrubSecrets(`Cannot connect to PostgreSQL at ${label}: ${messageOf(error)}. `, secrets) +
        `Check that the server is running and that the connection string${
          from || " (--database-url, DATABASE_URL or the config)"
        } is right.`,
    );
  }
  const open = client;
  const close = async () => {
    // A query still running (a failed plan's sibling) would make a plain end() wait for good.
    await open.end({ timeout: 5 });
    await db.destroy();
  };
  return { db, label, dialect: "postgres", close };
}

const DEFAULT_CONNECT_TIMEOUT = 10;

/**
 * libpq's `connect_timeout` bounds the whole connection; postgres.js's only its TCP connect. When what answers is not
 * PostgreSQL (a web server on the port, a transparent proxy), postgres.js connects again and again, for good.
 */
async function withinConnectTimeout<T>(first: Promise<T>, seconds: number): Promise<T> {
  if (!(seconds > 0)) return await first; // 0: wait for good, as libpq does
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `no PostgreSQL server answered within ${seconds} s (connect_timeout); something else may be listening there`,
          ),
        ),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([first, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface PostgresOptions {
  /** At most this many connections (a PGlite served over the wire is one session: 1); 4 by default. */
  readonly maxConnections?: number;
  /**
   * `lock_timeout` of every connection in the pool, set when each one starts (a `SET` would reach only one of
   * them): how long any statement waits for a lock another session holds.
   */
  readonly lockTimeout?: string;
}

function clientOptions(s: ConnectionSettings, options: PostgresOptions): postgres.Options<Record<string, never>> {
  const ports = s.hosts.map((_, i) => s.ports[i] ?? s.ports[0] ?? 5432);
  const connection = Object.fromEntries(
    Object.entries({ application_name: s.applicationName, options: s.options, lock_timeout: options.lockTimeout })
      .filter(([, v]) => v !== undefined),
  );
  return {
    // Hosts and ports go as arrays, as postgres.js's own URL parser makes them (its types say string and number):
    // a host string would be split on commas and colons, which breaks IPv6 addresses.
    ...(s.hosts.length > 0
      ? { host: s.hosts as unknown as string, port: ports as unknown as number }
      : s.ports.length > 0
      ? { port: s.ports[0] }
      : {}),
    ...(s.socketDir !== undefined ? { path: `${s.socketDir}/.s.PGSQL.${s.ports[0] ?? 5432}` } : {}),
    ...(s.database !== undefined ? { database: s.database } : {}),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(s.sslmode !== undefined ? { ssl: sslOption(s.sslmode) } : {}),
    ...(s.targetSessionAttrs !== undefined ? { target_session_attrs: s.targetSessionAttrs } : {}),
    ...(Object.keys(connection).length > 0 ? { connection } : {}),
    max: options.maxConnections ?? 4,
    connect_timeout: s.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
    onnotice: () => {},
    // Every query runs once per process: named prepared statements would only pile up
    // (applying 5,000 tables was 5x slower than psql with them).
    prepare: false,
    // Keep fetch_types on: it parses array results, and with it off
    // reserve() on a cold pool never settles (porsager/postgres#751).
  };
}

function sslOption(mode: NonNullable<ConnectionSettings["sslmode"]>): postgres.Options<Record<string, never>>["ssl"] {
  if (mode === "disable") return false;
  // The certificate chain is checked, the host name is not.
  if (mode === "verify-ca") return { checkServerIdentity: () => undefined };
  return mode;
}

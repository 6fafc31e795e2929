/**
 * A server session that ends under a reserved connection (terminated,
 * server restart or crash) must surface as a rejected query, never as a
 * crash. postgres.js sends the next query on such a connection to a socket
 * it has already dropped and throws from a timer, outside any promise
 * (porsager/postgres#1208: "Cannot read properties of null (reading
 * 'write')"). Kysely runs every query on a reserved connection, so the
 * guard sits there: once a query on the connection fails because the
 * connection is gone, later queries are refused and it is not handed back
 * to the pool. A session that ends while its reserved connection sits idle
 * cannot be seen here: code holding one (the runner) waits on the server,
 * never idly between statements.
 */
import type postgres from "postgres";

/** postgres.js's own codes for a connection that is gone, and the socket errors it passes on. */
const LOST_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTCONN",
]);

/**
 * True when `error` means the server session is gone: the connection
 * closed, or PostgreSQL ended the session (FATAL; SQLSTATE class 08, or
 * 57P01-57P03: administrator command, crash, server shutting down).
 */
export function isConnectionLost(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (severity === "FATAL" || severity === "PANIC") return true;
  if (typeof code !== "string") return false;
  // A class 08 error the server sends as a plain ERROR (08P01 for a NUL in the SQL text) leaves the session alive.
  return LOST_CODES.has(code) || (code.startsWith("08") && severity !== "ERROR") || /^57P0[123]$/.test(code);
}

/** The client, with every reserved connection guarded. */
export function guardReservedConnections(client: postgres.Sql): postgres.Sql {
  let anyLost = false;
  const onLost = () => (anyLost = true);
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === "reserve") return async () => guard(await target.reserve(), onLost);
      // end() waits forever for a connection that died mid-query; end it at once instead.
      if (key === "end") return (options?: { timeout?: number }) => target.end(anyLost ? { timeout: 0 } : options);
      return Reflect.get(target, key, receiver);
    },
  });
}

function guard(reserved: postgres.ReservedSql, onLost: () => void): postgres.ReservedSql {
  let lost: unknown;
  return new Proxy(reserved, {
    get(target, key, receiver) {
      if (key === "unsafe") {
        return (...args: Parameters<postgres.ReservedSql["unsafe"]>) => {
          if (lost !== undefined) return Promise.reject(lost);
          const query = target.unsafe(...args);
          query.catch((error: unknown) => {
            if (!isConnectionLost(error)) return;
            lost = error;
            onLost();
          });
          return query;
        };
      }
      // A dead connection handed back to the pool would be reused, and crash.
      if (key === "release") return () => lost === undefined && target.release();
      return Reflect.get(target, key, receiver);
    },
  });
}

/**
 * kysely-postgres-js sends every query with the extended protocol (Parse,
 * Bind, Describe, Execute, Sync), which takes one statement per query. A
 * query without parameters goes with the simple protocol instead, as
 * postgres.js's own `unsafe` does by default: one message, and a migration's
 * statements can go to the server as one script, in one round trip.
 */
import type postgres from "postgres";

/** The client, whose reserved connections send parameterless queries with the simple protocol. */
export function simpleWithoutParameters(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === "reserve") return async () => simple(await target.reserve());
      return Reflect.get(target, key, receiver);
    },
  });
}

function simple(reserved: postgres.ReservedSql): postgres.ReservedSql {
  return new Proxy(reserved, {
    get(target, key, receiver) {
      if (key !== "unsafe") return Reflect.get(target, key, receiver);
      return (query: string, parameters?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
        parameters === undefined || parameters.length === 0
          ? target.unsafe(query, [], { prepare: false, simple: true } as postgres.UnsafeQueryOptions)
          : target.unsafe(query, parameters, options);
    },
  });
}

/**
 * Configs written for @izumisy/kyrage (Node) read their connection string
 * with `process.env.SOME_NAME`; kyrage runs with access to a fixed list of
 * variables, and Deno's own advice (`--allow-env`) is no use to a user of the
 * `kyrage` binary or task. Say what kyrage can read instead.
 */

/** Deno's refusal of `process.env.X` / `Deno.env.get("X")`, rewritten; undefined for any other error. */
export function envAccessProblem(message: string): string | undefined {
  const name = /Requires env access to "([^"]+)"/.exec(message)?.[1];
  if (name === undefined) return undefined;
  return `it reads the environment variable "${name}", which kyrage has no access to: kyrage reads only ` +
    "DATABASE_URL, KYRAGE_ENV, NODE_ENV and the PG* variables of libpq (PGHOST, PGPASSWORD, ...). Put the " +
    "connection string in DATABASE_URL (it wins over the config's database), or read one of those variables " +
    "in the config.";
}

/**
 * An open database, whatever the driver: a Kysely instance plus a label that
 * is safe to print (never a password).
 */
import type { Kysely } from "kysely";

export type DatabaseTarget =
  | { readonly dialect: "postgres"; readonly connectionString: string }
  | { readonly dialect: "pglite"; readonly dataDir: string };

export interface Database {
  // deno-lint-ignore no-explicit-any
  readonly db: Kysely<any>;
  /** e.g. `postgres://localhost:5432/app` or `pglite:.kyrage/pglite`. */
  readonly label: string;
  readonly dialect: DatabaseTarget["dialect"];
  close(): Promise<void>;
}

/** Open a target; the driver is imported only when it is needed. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.dialect === "postgres") {
    const { openPostgres } = await import("./postgres/connect.ts");
    return openPostgres(target.connectionString);
  }
  const { openPglite } = await import("./pglite/connect.ts");
  return openPglite(target.dataDir);
}

/** `postgres://user:secret@db:5432/app` → `postgres://user@db:5432/app`. */
export function redactUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    url.password = "";
    url.search = "";
    return url.toString();
  } catch {
    return "(unparsable connection string)";
  }
}

/** The password in a connection string, so output can be scrubbed of it. */
export function passwordOf(connectionString: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(connectionString).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}

/** Open a database target; the driver is imported only when it is needed. */
import type { Database, DatabaseTarget, EmbeddedWait } from "./types.ts";

export type { Database, DatabaseTarget } from "./types.ts";

export interface OpenOptions {
  /** An embedded database is about to be created (its slow first initialization is announced in `pglite/initializing.ts`). */
  readonly onCreate?: (dataDir: string) => void;
  /** Without it, an embedded database another process has open is refused at once. */
  readonly wait?: EmbeddedWait;
  /** On a server, how long any statement waits for a lock another session holds (PGlite has no other sessions). */
  readonly lockTimeout?: string;
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  if (target.dialect === "postgres") {
    const { openPostgres } = await import("./postgres/connect.ts");
    return openPostgres(target.connectionString, target.origin, { lockTimeout: options.lockTimeout });
  }
  const { openPglite } = await import("./pglite/connect.ts");
  return openPglite(target.dataDir, options, target.extensions);
}

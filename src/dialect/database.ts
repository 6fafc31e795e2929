/** Open a database target; the driver is imported only when it is needed. */
import type { Database, DatabaseTarget } from "./types.ts";

export type { Database, DatabaseTarget } from "./types.ts";

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.dialect === "postgres") {
    const { openPostgres } = await import("./postgres/connect.ts");
    return openPostgres(target.connectionString, target.origin);
  }
  const { openPglite } = await import("./pglite/connect.ts");
  return openPglite(target.dataDir);
}

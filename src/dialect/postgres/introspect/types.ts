/** Which type names PostgreSQL knows, checked before anything is planned. */
import { sql } from "kysely";
import type { Db } from "./scope.ts";

/**
 * The type names PostgreSQL does not know, in one query. `to_regtype`
 * raises (rather than returning null) on a syntax error before PostgreSQL
 * 16, so on error each name is checked alone to find the bad ones.
 */
export async function unknownTypes(db: Db, types: readonly string[]): Promise<string[]> {
  if (types.length === 0) return [];
  const check = async (names: readonly string[]) =>
    (await sql<{ type: string }>`
      select t as type from unnest(${sql.val(names)}::text[]) t where to_regtype(t) is null`.execute(db))
      .rows.map((r) => r.type);
  try {
    return await check(types);
  } catch {
    const unknown: string[] = [];
    for (const type of types) {
      if (await check([type]).then((r) => r.length > 0, () => true)) unknown.push(type);
    }
    return unknown;
  }
}

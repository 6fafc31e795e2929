/** Enum types and their labels, in declared order. */
import { sql } from "kysely";
import type { EnumType } from "../../../model/types.ts";
import type { Db, Scope } from "./scope.ts";

export async function introspectEnums(db: Db, scope: Scope): Promise<EnumType[]> {
  const rows = await sql<{ schema: string; name: string; values: string[] }>`
    select n.nspname::text as schema, t.typname::text as name,
           array_agg(e.enumlabel::text order by e.enumsortorder) as values
    from pg_type t
    join pg_namespace n on n.oid = t.typnamespace
    join pg_enum e on e.enumtypid = t.oid
    where ${scope.inSchemas}
    group by n.nspname, t.typname`.execute(db);
  return rows.rows.map((row) => ({ schema: row.schema, name: row.name, values: row.values }));
}

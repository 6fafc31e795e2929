/**
 * Whether the covered schemas hold nothing kyrage reads: no relation, type,
 * routine or statistics object. Every catalog query of introspect.ts and of
 * pull/unsupported.ts starts from one of these (constraints, indexes,
 * triggers and policies from their tables), extensions aside. A new
 * database then costs one query instead of a dozen, each of which costs tens
 * of milliseconds on PGlite.
 */
import { sql } from "kysely";
import type { Db, Scope } from "./scope.ts";

export async function scopeIsEmpty(db: Db, scope: Scope): Promise<boolean> {
  const result = await sql<{ empty: boolean }>`
    select not exists (select from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${scope.inSchemas})
       and not exists (select from pg_type t join pg_namespace n on n.oid = t.typnamespace where ${scope.inSchemas})
       and not exists (select from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${scope.inSchemas})
       and not exists (
         select from pg_statistic_ext x join pg_namespace n on n.oid = x.stxnamespace where ${scope.inSchemas}
       ) as empty`.execute(db);
  return result.rows[0].empty;
}

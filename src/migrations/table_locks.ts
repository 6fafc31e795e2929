/**
 * Who held the tables a migration statement gave up on (`lock_timeout`).
 * Asked after the statement failed, when `pg_blocking_pids` no longer sees
 * a waiter: any lock another session holds on those tables is named.
 */
import { type Kysely, sql } from "kysely";
import { compileOperation } from "../dialect/postgres/compile.ts";
import type { StoredMigration } from "./store.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

/**
 * The sessions holding locks on the tables of the operation that compiled to
 * `statement` (on every table of the migration when no operation did, such
 * as a hand-written step), as "session N (state: query)"; undefined when none.
 */
export async function tableLockHolders(
  conn: Db,
  migration: StoredMigration,
  statement: string,
): Promise<string | undefined> {
  const ops = migration.file.operations;
  const failed = ops.find((o) => o.kind !== "sql" && compileOperation(o).includes(statement));
  const tables = (failed ? [failed] : ops).flatMap((o) => ("table" in o ? [{ schema: o.schema, table: o.table }] : []));
  if (tables.length === 0) return undefined;
  const { rows } = await sql<{ rel: string; pid: number; mode: string; state: string; query: string }>`
    select distinct format('%I.%I', n.nspname, c.relname) as rel, a.pid, l.mode, coalesce(a.state, '') as state,
           left(regexp_replace(coalesce(a.query, ''), '[[:space:]]+', ' ', 'g'), 200) as query
    from pg_locks l join pg_stat_activity a on a.pid = l.pid
    join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
    join unnest(${tables.map((t) => t.schema)}::text[], ${tables.map((t) => t.table)}::text[]) w(schema, name)
      on w.schema = n.nspname and w.name = c.relname
    where l.granted and l.pid <> pg_backend_pid()
    order by rel, a.pid`.execute(conn).catch(() => ({ rows: [] }));
  if (rows.length === 0) return undefined;
  return rows.map((r) => `${r.rel} is held by session ${r.pid} (${r.mode}; ${r.state}: ${r.query})`).join("; ");
}

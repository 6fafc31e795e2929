/**
 * A migration holding one CREATE INDEX CONCURRENTLY, which PostgreSQL runs
 * only outside a transaction: the build and the history row cannot commit
 * together, so an interrupted run may leave the index in any state. Before
 * building, look at what is there: an index with exactly the wanted
 * definition is recorded as done; an invalid one (a build that stopped) is
 * dropped and built again; a build still running in another session is
 * waited for, up to --lock-timeout, and never cancelled; anything else under
 * that name is an error naming it.
 */
import { CompiledQuery, type Kysely, sql } from "kysely";
import { compileOperation } from "../dialect/postgres/compile.ts";
import { introspect } from "../dialect/postgres/introspect.ts";
import { isConnectionLost } from "../dialect/postgres/lost_connection.ts";
import { literal, qualified } from "../dialect/postgres/quote.ts";
import { indexSignature } from "../diff/named.ts";
import type { OperationOf } from "../diff/operations.ts";
import { KyrageError } from "../errors.ts";
import { describeError } from "./failure.ts";
import { recordApplied } from "./history.ts";
import type { StoredMigration } from "./store.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

export interface IndexBuildOptions {
  /** How long to wait for another session's build of the same index, in milliseconds. */
  readonly lockWaitMs: number;
  readonly statementLockTimeout: string;
  readonly onNotice?: (migration: StoredMigration, notice: string) => void;
}

interface IndexRow {
  /** pg_class.relkind of the relation under the index's name; null when there is none. */
  kind: string | null;
  valid: boolean | null;
  on_table: boolean | null;
  definition: string | null;
  builder: number | null;
  phase: string | null;
}

/** What is under the index's name now. A build's catalog row is visible from its start, as INVALID. */
async function inspect(conn: Db, op: OperationOf<"create_index">): Promise<IndexRow> {
  const result = await sql<IndexRow>`
    select c.relkind::text as kind, i.indisvalid as valid,
           i.indrelid = to_regclass(${qualified(op.schema, op.table)}) as on_table,
           case when c.relkind = 'i' then pg_get_indexdef(c.oid) end as definition,
           p.pid as builder, p.phase
    from (select 1) one
    left join pg_class c
      on c.relname = ${op.index.name}
     and c.relnamespace = (select oid from pg_namespace where nspname = ${op.schema})
    left join pg_index i on i.indexrelid = c.oid
    left join lateral (
      -- index_relid is hidden from roles that may not see the other session's details
      select pid, phase from pg_stat_progress_create_index
      where pid <> pg_backend_pid()
        and (index_relid = c.oid or (index_relid is null and relid = i.indrelid))
      order by pid limit 1
    ) p on true`.execute(conn);
  return result.rows[0];
}

/** True when the live index has exactly the wanted definition, compared as the differ compares indexes. */
async function sameDefinition(conn: Db, op: OperationOf<"create_index">): Promise<boolean> {
  const model = await introspect(conn, { schemas: [op.schema] });
  const live = model.tables.find((t) => t.name === op.table)?.indexes.find((i) => i.name === op.index.name);
  return live !== undefined && indexSignature(live) === indexSignature(op.index);
}

/**
 * Why what is under the index's name must be left alone; undefined when it
 * is the wanted index, or an invalid (stopped) build of an index on the table.
 */
async function conflict(conn: Db, op: OperationOf<"create_index">, found: IndexRow): Promise<string | undefined> {
  if (found.kind === null) return undefined;
  if (found.kind !== "i") return "a relation of that name, not an index, exists";
  if (!found.on_table) return `an index of that name exists on another table: ${found.definition}`;
  if (found.valid && !(await sameDefinition(conn, op))) {
    return `a different index of that name exists: ${found.definition}`;
  }
  return undefined;
}

/** Wait, polling on the server (the connection never sits idle), while another session builds the index. */
async function untilNotBuilding(
  conn: Db,
  migration: StoredMigration,
  op: OperationOf<"create_index">,
  options: IndexBuildOptions,
): Promise<IndexRow> {
  const index = `${op.schema}.${op.index.name}`;
  const deadline = Date.now() + options.lockWaitMs;
  let told = false;
  for (;;) {
    const row = await inspect(conn, op);
    if (row.builder === null) return row;
    if (Date.now() >= deadline) {
      throw new KyrageError(
        `Migration ${migration.id} (${migration.path}) builds index ${index}, which another session (pid ` +
          `${row.builder}, ${row.phase}) is still building; gave up waiting after ${
            Math.round(options.lockWaitMs / 1000)
          } s (--lock-timeout). kyrage never cancels another session: re-run apply when that build ends (a finished ` +
          `index is then recorded, a failed one rebuilt), or cancel it with \`select pg_cancel_backend(${row.builder})\`.`,
      );
    }
    if (!told) {
      options.onNotice?.(
        migration,
        `Index ${index} is being built by another session (pid ${row.builder}, ${row.phase}); waiting for it ` +
          `(up to ${Math.round(options.lockWaitMs / 1000)} s, --lock-timeout)...`,
      );
    }
    told = true;
    await sql`select pg_sleep(0.25)`.execute(conn);
  }
}

export async function applyConcurrently(
  conn: Db,
  migration: StoredMigration,
  op: OperationOf<"create_index">,
  options: IndexBuildOptions,
): Promise<void> {
  const run = (statement: string) => conn.executeQuery(CompiledQuery.raw(statement));
  const index = `${op.schema}.${op.index.name}`;
  const [create] = compileOperation(op);
  let statement = `SET lock_timeout = ${literal(options.statementLockTimeout)}`;
  try {
    await run(statement);
    statement = "(inspecting the index)";
    const found = await untilNotBuilding(conn, migration, op, options);
    const refused = await conflict(conn, op, found);
    if (refused) {
      throw new KyrageError(
        `Migration ${migration.id} (${migration.path}) builds index ${index} on ${op.schema}.${op.table}, but ` +
          `${refused}. kyrage replaces nothing it did not build: drop or rename it, then re-run apply. Wanted: ${create}`,
      );
    }
    if (found.valid) {
      options.onNotice?.(
        migration,
        `Index ${index} already exists with exactly this definition (an interrupted run's session finished the ` +
          "build): recorded as applied.",
      );
    } else {
      if (found.kind !== null) {
        options.onNotice?.(
          migration,
          `Dropping invalid index ${index}, left by an interrupted build, to build it again.`,
        );
        statement = `DROP INDEX CONCURRENTLY ${qualified(op.schema, op.index.name)}`;
        await run(statement);
      }
      statement = create;
      await run(statement);
    }
    statement = "(recording the migration in the history)";
    await recordApplied(conn, migration);
  } catch (error) {
    if (error instanceof KyrageError) throw error;
    throw new KyrageError(failure(migration, index, statement, error), { cause: error });
  } finally {
    await run("RESET lock_timeout").catch(() => {});
  }
}

function failure(migration: StoredMigration, index: string, statement: string, error: unknown): string {
  const which = `migration ${migration.id} (${migration.path})`;
  return isConnectionLost(error)
    ? `The connection to PostgreSQL was lost while ${which} was building index ${index} concurrently, outside a ` +
      "transaction. If the server ended the session, the build stopped and left an invalid index; if the session " +
      "lives on, it may still finish the build. Re-running `kyrage apply` handles each case: it records a finished " +
      "index, rebuilds an invalid one, and waits for a build still running."
    : `Migration ${migration.id} (${migration.path}) failed; it builds index ${index} concurrently, outside a ` +
      "transaction, so a failed build can leave an invalid index: a re-run drops it and builds it again.\n" +
      `  statement: ${statement}\n${describeError(error)}`;
}

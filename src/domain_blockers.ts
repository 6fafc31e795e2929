/**
 * Blockers of an ALTER DOMAIN that checks stored values (see
 * diff/objects/domain_uses.ts): a column storing the domain inside an array,
 * composite or range (PostgreSQL refuses the ALTER whatever the rows hold),
 * and values of its columns that break a new or validated check, or are NULL
 * under a new NOT NULL.
 *
 * A check is evaluated as PostgreSQL evaluates it, without rewriting its
 * text: it becomes the body of a temporary SQL function whose parameter is
 * named `value`, so the parser binds VALUE to the column's value passed in.
 * A value breaks it when the result is false (NULL passes, as in a CHECK).
 * PostgreSQL gives VALUE its base type's collation, not the domain's or the
 * column's, so a collatable value is passed in COLLATE "default".
 * The functions live in a transaction that is rolled back. A check that
 * cannot be evaluated before the migration (it calls a function the plan
 * creates, or raises on some value) is left to PostgreSQL.
 */
import { sql, type Transaction } from "kysely";
import { ident, literal, qualified } from "./dialect/postgres/quote.ts";
import { checkedChecks } from "./diff/objects/domain_checks.ts";
import type { Operation, OperationOf } from "./diff/operations.ts";
import type { DomainObject } from "./model/objects/domain.ts";
import { atMost, countRows, type Found, type RowCheck } from "./row_blockers.ts";

// deno-lint-ignore no-explicit-any
type Tx = Transaction<any>;

type DomainAlter = OperationOf<"alter_object"> & { readonly from: DomainObject; readonly to: DomainObject };

const domainAlters = (ops: readonly Operation[]): DomainAlter[] =>
  ops.flatMap((op) =>
    op.kind === "alter_object" && op.from.kind === "domain" && op.to.kind === "domain" ? [op as DomainAlter] : []
  );

/** Columns storing the domain inside a container: PostgreSQL cannot check those values, so it refuses. */
export function domainContainerBlockers(ops: readonly Operation[]): Found[] {
  return domainAlters(ops).flatMap((op) =>
    (op.containers ?? []).map((column) => ({
      object: column,
      reason: `stores domain ${op.to.schema}.${op.to.name} inside an array, composite or range type, so PostgreSQL ` +
        `refuses ${op.to.notNull && !op.from.notNull ? "SET NOT NULL" : "a check"} on the domain (it cannot check ` +
        "values inside such types): add the check with notValid: true (for NOT NULL, a check VALUE IS NOT NULL " +
        "with notValid: true), or change the column's type first",
    }))
  );
}

/**
 * The functions to create (`setup`) and the row checks that call them;
 * `collatable` holds the domains' base types that take a collation.
 */
function rowChecks(
  ops: readonly Operation[],
  collatable: ReadonlySet<string> = new Set(),
): { setup: string[]; checks: RowCheck[] } {
  const setup: string[] = [];
  const checks: RowCheck[] = [];
  for (const op of domainAlters(ops)) {
    const domain = `${op.to.schema}.${op.to.name}`;
    const collate = collatable.has(op.to.type) ? ' COLLATE pg_catalog."default"' : "";
    const columns = (op.columns ?? []).map((c) => ({
      // ONLY: a partitioned table's rows are counted in each partition, which is a column of its own here.
      from: `only ${qualified(c.schema, c.table)}`,
      table: qualified(c.schema, c.table),
      column: ident(c.column),
      object: `${c.schema}.${c.table}.${c.column}`,
    }));
    if (op.to.notNull && !op.from.notNull) {
      for (const c of columns) {
        checks.push({
          table: c.table,
          rows: `select null as x from ${c.from} where ${c.column} is null`,
          describe: (count) => ({
            object: c.object,
            reason: `has ${atMost(count)} NULL values, so ALTER DOMAIN ${domain} SET NOT NULL would fail; ` +
              "backfill them first (UPDATE ... WHERE ... IS NULL), or leave the domain nullable",
          }),
        });
      }
    }
    for (const { check, fate } of checkedChecks(op.from, op.to)) {
      const fn = `pg_temp.kyrage_domain_check_${setup.length}`;
      setup.push(
        `create function ${fn}(value ${op.to.type}) returns boolean language sql as ${
          literal(`select (${check.expression})`)
        }`,
      );
      const statement = fate === "validated" ? "VALIDATE CONSTRAINT" : "ADD CONSTRAINT";
      for (const c of columns) {
        checks.push({
          table: c.table,
          rows: `select null as x from ${c.from} where ${fn}(${c.column}${collate}) is false`,
          describe: (count) => ({
            object: c.object,
            reason: `has ${atMost(count)} values that break check ${check.name} of domain ${domain}, so ` +
              `${statement} would fail; fix those rows first, or ` +
              "declare the check with notValid: true (stored values stay unchecked)",
          }),
        });
      }
    }
  }
  return { setup, checks };
}

/**
 * Counts the offending values over every column of every domain the plan
 * checks, in one query; creates temporary functions, so `tx` must be rolled back.
 */
export async function domainRows(tx: Tx, ops: readonly Operation[]): Promise<Found[]> {
  const types = [...new Set(domainAlters(ops).map((op) => op.to.type))];
  // A type the plan creates is not there yet: to_regtype gives NULL and it is taken as not collatable.
  const collatable = await sql<{ type: string }>`
    select t as type from unnest(${types}::text[]) t
    where (select typcollation <> 0 from pg_type where oid = to_regtype(t))`.execute(tx);
  const { setup, checks } = rowChecks(ops, new Set(collatable.rows.map((r) => r.type)));
  for (const statement of setup) await sql.raw(statement).execute(tx);
  return await countRows(tx, checks);
}

/** The tables `domainRows` reads, for a lock error. */
export const domainRowTables = (ops: readonly Operation[]): string[] => rowChecks(ops).checks.map((c) => c.table);

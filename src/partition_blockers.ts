/**
 * Partition bounds that existing rows break, counted with the other row
 * blockers: PostgreSQL would refuse the statement.
 * - A partition created or attached beside a DEFAULT partition that holds
 *   rows in its bound ("updated partition constraint for default partition
 *   ... would be violated by some row"). kyrage does not move the rows (that
 *   needs the default detached, under a lock on the parent, for as long as
 *   the copy takes).
 * - A partition attached again with a new bound that some of its own rows
 *   are outside ("partition constraint ... is violated by some row").
 */
import { boundPredicate } from "./dialect/postgres/partition_predicate.ts";
import { qualified } from "./dialect/postgres/quote.ts";
import type { Operation } from "./diff/operations.ts";
import type { SchemaModel } from "./model/schema_model.ts";
import { qualifiedName, type Table } from "./model/types.ts";
import { atMost, type RowCheck } from "./row_blockers.ts";

const rowsThat = (count: number) =>
  count === 1000 ? "1000+ rows that belong" : count === 1 ? "1 row that belongs" : `${count} rows that belong`;

/**
 * Partitions the operations create or attach under a parent whose DEFAULT
 * partition exists before the migration and stays attached. Parents whose
 * columns are renamed in the same plan are left to PostgreSQL.
 */
export function partitionChecks(ops: readonly Operation[], desired: Pick<SchemaModel, "tables">): RowCheck[] {
  const created = new Set(
    ops.flatMap((op) => (op.kind === "create_table" ? [qualifiedName(op.schema, op.table)] : [])),
  );
  const detached = new Set(
    ops.flatMap((op) => (op.kind === "detach_partition" ? [qualifiedName(op.schema, op.table)] : [])),
  );
  const renamedColumns = new Set(
    ops.flatMap((op) => (op.kind === "rename_column" ? [qualifiedName(op.schema, op.table)] : [])),
  );
  const formerName = new Map(
    ops.flatMap((op) => (op.kind === "rename_table" ? [[qualifiedName(op.schema, op.to), op.from] as const] : [])),
  );
  const tables = new Map(desired.tables.map((t) => [qualifiedName(t.schema, t.name), t]));
  const defaults = new Map<string, Table>();
  for (const t of desired.tables) {
    const name = qualifiedName(t.schema, t.name);
    if (t.partitionOf?.bound !== "DEFAULT" || created.has(name) || detached.has(name)) continue;
    defaults.set(qualifiedName(t.partitionOf.schema, t.partitionOf.table), t);
  }
  const current = (schema: string, name: string) =>
    qualified(schema, formerName.get(qualifiedName(schema, name)) ?? name);
  return ops.flatMap((op): RowCheck[] => {
    if (op.kind !== "create_table" && op.kind !== "attach_partition") return [];
    const bounded = op.partitionOf;
    if (!bounded || bounded.bound === "DEFAULT") return [];
    const parent = qualifiedName(bounded.schema, bounded.table);
    const by = tables.get(parent)?.partitionBy;
    const predicate = by && !renamedColumns.has(parent) ? boundPredicate(by, bounded.bound) : undefined;
    if (predicate === undefined) return [];
    const partition = `${op.schema}.${op.table}`;
    const outside: RowCheck[] = op.kind === "attach_partition" && !created.has(qualifiedName(op.schema, op.table))
      ? [{
        table: current(op.schema, op.table),
        rows: `select null as x from ${current(op.schema, op.table)} where (${predicate}) is not true`,
        describe: (count: number) => ({
          object: partition,
          reason: `gets the bound ${bounded.bound}, but ${atMost(count)} of its rows are outside it, so attaching ` +
            "it again would fail; move or delete them first, or keep a bound that holds them",
        }),
      }]
      : [];
    const rest = defaults.get(parent);
    if (!rest) return outside;
    const [parentName, restName] = [`${bounded.schema}.${bounded.table}`, `${rest.schema}.${rest.name}`];
    const table = current(rest.schema, rest.name);
    const adding = op.kind === "create_table" ? "creating" : "attaching";
    return [...outside, {
      table,
      rows: `select null as x from ${table} where ${predicate}`,
      describe: (count: number) => ({
        object: partition,
        reason: `is a partition of ${parentName} ${bounded.bound}, but its DEFAULT partition ${restName} holds ` +
          `${rowsThat(count)} in it, so ${adding} it would fail; move them out of ${restName} first ` +
          `(copy them aside and DELETE them from it), apply, then INSERT them into ${parentName} again, where ` +
          `they land in ${partition}`,
      }),
    }];
  });
}

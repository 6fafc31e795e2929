/**
 * Blockers found by counting rows (see blockers.ts): a column made NOT NULL
 * while it holds NULLs, a new NOT NULL column without a default on a table
 * with rows, labels an enum rebuild removes or a conversion lacks.
 */
import { sql, type Transaction } from "kysely";
import { ident, literal, qualified } from "./dialect/postgres/quote.ts";
import type { Operation, OperationOf } from "./diff/operations.ts";
import { userTypeName } from "./model/from_config.ts";
import type { EnumType } from "./model/types.ts";

// deno-lint-ignore no-explicit-any
type Tx = Transaction<any>;

/** Same shape as blockers.ts's `Blocker`. */
export interface Found {
  readonly object: string;
  readonly reason: string;
}

export interface RowCheck {
  /** Qualified, quoted table name. */
  readonly table: string;
  /** `select` of the offending rows' labels (`x`), at most 1,000. */
  readonly rows: string;
  readonly describe: (count: number, labels: string) => Found;
}

export const atMost = (count: number) => (count === 1000 ? "1000+" : String(count));

/**
 * Columns the operations make NOT NULL. Columns of tables or columns renamed
 * in the same plan are left to PostgreSQL.
 */
export function nullChecks(ops: readonly Operation[]): RowCheck[] {
  const renamed = new Set(
    ops.flatMap((op) =>
      op.kind === "rename_table"
        ? [`${op.schema}.${op.to}`]
        : op.kind === "rename_column"
        ? [`${op.schema}.${op.table}.${op.to}`]
        : []
    ),
  );
  return ops.flatMap((op): RowCheck[] => {
    if (op.kind === "add_column") return emptyNotNull(op, renamed);
    const makesNotNull = (op.kind === "alter_column" && op.changes.notNull?.to === true) || op.kind === "set_not_null";
    if (!makesNotNull) return [];
    const object = `${op.schema}.${op.table}.${op.column}`;
    if (renamed.has(`${op.schema}.${op.table}`) || renamed.has(object)) return [];
    const table = qualified(op.schema, op.table);
    return [{
      table,
      rows: `select null as x from ${table} where ${ident(op.column as string)} is null`,
      describe: (count: number) => ({
        object,
        reason: `has ${atMost(count)} NULL values, so SET NOT NULL would fail; backfill it first ` +
          "(UPDATE ... WHERE ... IS NULL), or leave the column nullable",
      }),
    }];
  });
}

/** A new NOT NULL column with nothing to fill it: any row makes the ADD COLUMN fail. */
function emptyNotNull(op: OperationOf<"add_column">, renamed: ReadonlySet<string>): RowCheck[] {
  const c = op.column;
  const filled = c.default !== undefined || c.generated !== undefined || c.identity !== undefined ||
    c.serial !== undefined;
  if (!c.notNull || filled || renamed.has(`${op.schema}.${op.table}`)) return [];
  const table = qualified(op.schema, op.table);
  return [{
    table,
    rows: `select null as x from ${table}`,
    describe: (count: number) => ({
      object: `${op.schema}.${op.table}.${c.name}`,
      reason: `is a new NOT NULL column without a default, and the table has ${atMost(count)} rows, so adding it ` +
        "would fail; give it a default, or add it nullable, backfill it, then make it NOT NULL",
    }),
  }];
}

/** Columns converted by an enum rebuild that hold labels the rebuild removes. */
export function labelChecks(ops: readonly Operation[]): RowCheck[] {
  return ops.flatMap((op) => {
    if (op.kind !== "recreate_enum") return [];
    const removed = op.from.filter((v) => !op.to.includes(v));
    if (removed.length === 0) return [];
    const list = `ARRAY[${removed.map(literal).join(", ")}]::text[]`;
    return op.columns.map((c) => {
      const table = qualified(c.schema, c.table);
      const col = ident(c.column);
      return {
        table,
        rows: c.array
          ? `select v::text as x from ${table}, unnest(${col}) v where v::text = any(${list})`
          : `select ${col}::text as x from ${table} where ${col}::text = any(${list})`,
        describe: (count: number, labels: string) => ({
          object: `${c.schema}.${c.table}.${c.column}`,
          reason: `${atMost(count)} rows use labels removed from enum ${op.schema}.${op.name} (${labels}), so ` +
            "converting the column would fail; update those rows to a label that stays first",
        }),
      };
    });
  });
}

/** Columns converted from an enum to another enum holding values the new one lacks. */
export function conversionChecks(ops: readonly Operation[], enums: readonly EnumType[]): RowCheck[] {
  const labelsOf = new Map(enums.map((e) => [userTypeName(e.schema, e.name), e.values]));
  return ops.flatMap((op) => {
    const type = op.kind === "alter_column" ? op.changes.type : undefined;
    const labels = type?.viaText ? labelsOf.get(type.to.replace(/\[\]$/, "")) : undefined;
    if (op.kind !== "alter_column" || !type || !labels) return [];
    const table = qualified(op.schema, op.table);
    const col = ident(op.column);
    const list = `ARRAY[${labels.map(literal).join(", ")}]::text[]`;
    return [{
      table,
      rows: type.from.endsWith("[]")
        ? `select v::text as x from ${table}, unnest(${col}) v where v::text <> all(${list})`
        : `select ${col}::text as x from ${table} where ${col}::text <> all(${list})`,
      describe: (count: number, found: string) => ({
        object: `${op.schema}.${op.table}.${op.column}`,
        reason: `${atMost(count)} rows hold values that type ${type.to} does not have (${found}), so converting ` +
          "the column would fail; update those rows first",
      }),
    }];
  });
}

export async function countRows(tx: Tx, checks: readonly RowCheck[]): Promise<Found[]> {
  if (checks.length === 0) return [];
  const query = checks.map((c, i) =>
    `select ${i} as i, count(*)::int as n, coalesce(string_agg(distinct x, ', '), '') as labels ` +
    `from (${c.rows} limit 1000) s`
  ).join(" union all ");
  const rows = await sql.raw<{ i: number; n: number; labels: string }>(query).execute(tx);
  return rows.rows.filter((r) => r.n > 0).map((r) => checks[r.i].describe(r.n, r.labels));
}

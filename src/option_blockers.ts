/**
 * Blockers of index and column options that need the catalog (see
 * blockers.ts; what does not is refused with the config, model/option_checks.ts):
 * - an index key's operator class must exist for the index's access method
 *   and accept the column's type; without one, the type needs a default
 *   operator class for the method (`gist` on an integer needs btree_gist);
 * - storage other than plain needs a type that is not always stored plain.
 * Types, access methods and operator classes the database does not have yet
 * (created by the same migration) are left to PostgreSQL.
 */
import { sql, type Transaction } from "kysely";
import type { Operation } from "./diff/operations.ts";
import type { Column, Table } from "./model/types.ts";
import { qualifiedName } from "./model/types.ts";

/** Same shape as `Blocker`. */
export interface OptionBlocker {
  readonly object: string;
  readonly reason: string;
}

interface KeyCheck {
  readonly index: string;
  readonly method: string;
  readonly column: string;
  readonly type: string;
  /** Absent: the type's default operator class for the method. */
  readonly opclass?: string;
}

interface StorageCheck {
  readonly column: string;
  readonly type: string;
  readonly storage: string;
}

export interface OptionChecks {
  readonly keys: readonly KeyCheck[];
  readonly storage: readonly StorageCheck[];
  /** An extension created by the plan may bring the missing operator class. */
  readonly newExtensions: boolean;
}

/** The index keys and column storage the operations set; none means no query. */
export function optionChecks(ops: readonly Operation[], tables: readonly Table[]): OptionChecks {
  const byName = new Map(tables.map((t) => [qualifiedName(t.schema, t.name), t]));
  const keys = ops.flatMap((op): KeyCheck[] => {
    if (op.kind !== "create_index") return [];
    const table = byName.get(qualifiedName(op.schema, op.table));
    return op.index.keys.flatMap((key) => {
      const column = key.expression ? undefined : table?.columns.find((c) => c.name === key.column);
      if (!column) return [];
      return [{
        index: `index ${op.index.name} on ${op.schema}.${op.table}`,
        method: op.index.method,
        column: column.name,
        type: column.type,
        ...(key.opclass ? { opclass: key.opclass } : {}),
      }];
    });
  });
  const stored = (schema: string, table: string, column: Column | undefined): StorageCheck[] =>
    column?.storage && column.storage !== "plain"
      ? [{ column: `${schema}.${table}.${column.name}`, type: column.type, storage: column.storage }]
      : [];
  const storage = ops.flatMap((op): StorageCheck[] => {
    switch (op.kind) {
      case "create_table":
        return op.columns.flatMap((c) => stored(op.schema, op.table, c));
      case "add_column":
        return stored(op.schema, op.table, op.column);
      case "alter_column": {
        if (!op.changes.storage?.to && !op.changes.type) return [];
        const table = byName.get(qualifiedName(op.schema, op.table));
        return stored(op.schema, op.table, table?.columns.find((c) => c.name === op.column));
      }
      default:
        return [];
    }
  });
  const newExtensions = ops.some((op) => op.kind === "create_object" && op.object.kind === "extension");
  return { keys, storage, newExtensions };
}

export function optionCheckCount(checks: OptionChecks): number {
  return checks.keys.length + checks.storage.length;
}

// deno-lint-ignore no-explicit-any
export async function optionBlockers(tx: Transaction<any>, checks: OptionChecks): Promise<OptionBlocker[]> {
  return [...await keyBlockers(tx, checks), ...await storageBlockers(tx, checks.storage)];
}

// deno-lint-ignore no-explicit-any
async function keyBlockers(tx: Transaction<any>, checks: OptionChecks): Promise<OptionBlocker[]> {
  const keys = checks.keys;
  if (keys.length === 0) return [];
  // PostgreSQL's IsBinaryCoercible: the same type (a domain's base), a polymorphic one it fits, or a binary cast.
  const rows = await sql<{ i: number; named: boolean | null; accepts: boolean | null; fallback: boolean | null }>`
    with k as (
      -- A domain may be over another domain: the operator class takes the last base type.
      select k.i, k.opclass, a.oid as am, (
        with recursive d(oid, base) as (
          select ty.oid, ty.typbasetype
          union all select p.oid, p.typbasetype from pg_type p join d on p.oid = d.base
        ) select d.oid from d where d.base = 0
      ) as src
      from unnest(${sql.val(keys.map((_, i) => i))}::int[], ${sql.val(keys.map((k) => k.method))}::text[],
                  ${sql.val(keys.map((k) => k.opclass ?? null))}::text[], ${sql.val(keys.map((k) => k.type))}::text[])
           as k(i, method, opclass, type)
      join pg_am a on a.amname = k.method
      join pg_type ty on ty.oid = to_regtype(k.type)
    ), t as (
      select k.*, b.typtype, b.typsubscript = 'array_subscript_handler'::regproc as is_array
      from k join pg_type b on b.oid = k.src
    )
    select t.i,
      bool_or(c.named) as named, bool_or(c.named and c.fits) as accepts, bool_or(c.opcdefault and c.fits) as fallback
    from t left join lateral (
      select o.opcdefault,
        case when t.opclass like '%.%'
          then o.opcnamespace::regnamespace::text || '.' || o.opcname = t.opclass
          else o.opcname = t.opclass and pg_opclass_is_visible(o.oid) end as named,
        (o.opcintype = t.src
          or o.opcintype in ('anyelement'::regtype, '"any"'::regtype)
          or (o.opcintype in ('anyarray'::regtype, 'anycompatiblearray'::regtype) and t.is_array)
          or (o.opcintype in ('anynonarray'::regtype, 'anycompatiblenonarray'::regtype) and not t.is_array)
          or (o.opcintype = 'anyenum'::regtype and t.typtype = 'e')
          or (o.opcintype in ('anyrange'::regtype, 'anycompatiblerange'::regtype) and t.typtype = 'r')
          or (o.opcintype in ('anymultirange'::regtype, 'anycompatiblemultirange'::regtype) and t.typtype = 'm')
          or (o.opcintype = 'record'::regtype and t.typtype = 'c')
          or exists (select from pg_cast x where x.castsource = t.src and x.casttarget = o.opcintype
                     and x.castmethod = 'b')) as fits
      from pg_opclass o where o.opcmethod = t.am
    ) c on true
    group by t.i order by t.i`.execute(tx);
  return rows.rows.flatMap((row): OptionBlocker[] => {
    const key = keys[row.i];
    const on = `column ${key.column} (${key.type})`;
    if (key.opclass === undefined) {
      if (row.fallback || checks.newExtensions) return [];
      return [{
        object: key.index,
        reason: `indexes ${on}, which has no default operator class for access method "${key.method}", so CREATE ` +
          "INDEX would fail; give the key an opclass for it, install the extension that has one (btree_gist, " +
          "btree_gin, pg_trgm, ...), or use another method",
      }];
    }
    if (!row.named) {
      if (checks.newExtensions) return [];
      return [{
        object: key.index,
        reason: `gives ${on} operator class ${key.opclass}, which access method "${key.method}" does not have, so ` +
          "CREATE INDEX would fail; name one of its operator classes, or install the extension that has it",
      }];
    }
    if (row.accepts) return [];
    return [{
      object: key.index,
      reason: `gives ${on} operator class ${key.opclass}, which does not accept type ${key.type}, so CREATE INDEX ` +
        "would fail; name an operator class for that type, or drop opclass for the default one",
    }];
  });
}

// deno-lint-ignore no-explicit-any
async function storageBlockers(tx: Transaction<any>, checks: readonly StorageCheck[]): Promise<OptionBlocker[]> {
  if (checks.length === 0) return [];
  const rows = await sql<{ i: number }>`
    select k.i from unnest(${sql.val(checks.map((_, i) => i))}::int[], ${sql.val(checks.map((c) => c.type))}::text[])
      as k(i, type)
    join pg_type ty on ty.oid = to_regtype(k.type)
    where ty.typstorage = 'p' order by k.i`.execute(tx);
  return rows.rows.map(({ i }) => ({
    object: `column ${checks[i].column}`,
    reason: `has storage "${checks[i].storage}", but PostgreSQL stores its type ${checks[i].type} only "plain", so ` +
      "SET STORAGE would fail; drop storage",
  }));
}

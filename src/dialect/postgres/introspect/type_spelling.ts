/**
 * How introspection spells a type that a column, an attribute or a range
 * uses. `format_type` qualifies a name only when it is not on the
 * search_path, so user types (enums, composite, range and multirange types,
 * and arrays of them) are spelled by `userTypeName` instead, as the config
 * side spells them, whatever the connection's search_path.
 */
import { type RawBuilder, sql } from "kysely";
import { userTypeName } from "../../../model/qualified.ts";

/** Whether type `t` in namespace `n` is a user type: SQL text on the aliases given. */
function userTypeTest(t: string, n: string): string {
  return `(${n}.nspname <> 'pg_catalog' and (${t}.typtype in ('e', 'r', 'm', 'd') or (${t}.typtype = 'c' and exists (` +
    `select 1 from pg_class uc where uc.oid = ${t}.typrelid and uc.relkind = 'c'))))`;
}

/** {@link userTypeTest} as a query fragment. */
export const isUserType = (t: string, n: string): RawBuilder<unknown> => sql.raw(userTypeTest(t, n));

/**
 * Whether type `t` is an array: SQL text. A domain over an array shares the
 * array's category 'A' but has no element type (typelem 0); it is spelled by
 * its own name, so it must not be taken for an array.
 */
function arrayTest(t: string): string {
  return `(${t}.typcategory = 'A' and ${t}.typelem <> 0)`;
}

/** SQL text: the type `t` itself, or its element type when `t` is an array. */
function elementOf(t: string): string {
  return `case when ${arrayTest(t)} then ${t}.typelem else ${t}.oid end`;
}

/** {@link arrayTest} as a query fragment. */
export const isArrayType = (t: string): RawBuilder<unknown> => sql.raw(arrayTest(t));

/** {@link elementOf} as a query fragment. */
export const elementType = (t: string): RawBuilder<unknown> => sql.raw(elementOf(t));

/**
 * A lateral join giving `alias.user_schema`, `alias.user_name` (null unless
 * the type `typeOid`, or its element type, is a user type) and `alias.is_array`.
 */
export function userTypeJoin(alias: string, typeOid: string): RawBuilder<unknown> {
  const user = userTypeTest("et", "etn");
  return sql.raw(`left join lateral (
    select case when ${user} then etn.nspname::text end as user_schema,
           case when ${user} then et.typname::text end as user_name,
           ${arrayTest("t0")} as is_array
    from pg_type t0
    join pg_type et on et.oid = ${elementOf("t0")}
    join pg_namespace etn on etn.oid = et.typnamespace
    where t0.oid = ${typeOid}) ${alias} on true`);
}

export interface SpelledType {
  /** `format_type(...)`. */
  readonly type: string;
  readonly user_schema: string | null;
  readonly user_name: string | null;
  readonly is_array: boolean;
}

/** The model's spelling of a type read with {@link userTypeJoin}. */
export function spellType(row: SpelledType): string {
  return row.user_name !== null ? userTypeName(row.user_schema!, row.user_name) + (row.is_array ? "[]" : "") : row.type;
}

/** SQL text: the collation `oid` as the model spells it (`quote_ident`, qualified outside pg_catalog). */
export function collationSpelling(oid: string): string {
  return `(select case when cn.nspname = 'pg_catalog' then quote_ident(co.collname)
                       else quote_ident(cn.nspname) || '.' || quote_ident(co.collname) end
           from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = ${oid})`;
}

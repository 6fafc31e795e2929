/** What every catalog query shares: the schemas covered and which tables count as managed. */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Table } from "../../../model/types.ts";

// deno-lint-ignore no-explicit-any
export type Db = Kysely<any>;

export interface Scope {
  /** `n.nspname = any(...)`: the namespace `n` is one of the covered schemas. */
  readonly inSchemas: RawBuilder<unknown>;
  /** Extensions reported wherever they are installed (those the config declares). */
  readonly extensions: readonly string[];
}

export function scopeOf(schemas: readonly string[], extensions: readonly string[] = []): Scope {
  return { inSchemas: sql`n.nspname = any(${sql.val([...schemas])}::text[])`, extensions };
}

const idPart = (x: string) =>
  `(case when ${x} ~ '[."]' then '"' || replace(${x}, '"', '""') || '"' else ${x}::text end)`;

/** SQL text: `schema.name` as {@link objectId} spells it (a part holding a dot or a quote is quoted). */
export const idName = (schema: string, name: string): string => `${idPart(schema)} || '.' || ${idPart(name)}`;

/**
 * A managed table `c`: ordinary or partitioned (partitions included), not
 * owned by an extension (such as PostGIS's spatial_ref_sys).
 */
export const MANAGED_TABLE = sql`
  c.relkind in ('r', 'p')
  and not exists (
    select 1 from pg_depend d
    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`;

/** A table being assembled from the per-concern queries. */
export type MutableTable = {
  -readonly [K in keyof Table]: Table[K] extends readonly (infer T)[] ? T[] : Table[K];
};

/**
 * `Promise.all` that waits for every query before rejecting: a query still
 * running when the caller closes the database makes postgres.js's close
 * hang for good.
 */
export async function allQueries<T extends readonly unknown[]>(
  queries: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(queries);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

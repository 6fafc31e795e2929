/** The classification `catalog_attributes.ts` gives each catalog column, and the renders it shares. */

export type CatalogName =
  | "pg_class"
  | "pg_attribute"
  | "pg_index"
  | "pg_constraint"
  | "pg_sequence"
  | "pg_type"
  | "pg_range"
  | "pg_partitioned_table"
  | "pg_inherits"
  | "pg_description";

/** SQL that gives an attribute a non-default value on a fresh database; `reported` must appear in pull's list. */
export interface Probe {
  readonly name: string;
  readonly sql: string;
  readonly reported: string;
  /** First PostgreSQL major version with the syntax. */
  readonly since?: number;
}

export type Attribute =
  | {
    readonly status: "modeled";
    readonly what: string;
    readonly covered: readonly string[];
    readonly render?: string;
    readonly probes?: readonly Probe[];
  }
  | { readonly status: "derived"; readonly what: string }
  | {
    readonly status: "unmanaged";
    readonly what: string;
    readonly probes: readonly Probe[];
    readonly render?: string;
  };

export const modeled = (
  what: string,
  covered: string[],
  more: { render?: string; probes?: Probe[] } = {},
): Attribute => ({
  status: "modeled",
  what,
  covered,
  ...more,
});
export const derived = (why: string): Attribute => ({ status: "derived", what: why });
export const unmanaged = (what: string, probes: Probe[], render?: string): Attribute => ({
  status: "unmanaged",
  what,
  probes,
  ...(render ? { render } : {}),
});

/** Renders shared by several catalogs. */
export const collationName = (oid: string) =>
  `(select coalesce(string_agg(coalesce(co.collname::text, '0'), ',' order by k.o), '') ` +
  `from unnest(${oid}::oid[]) with ordinality k(c, o) left join pg_collation co on co.oid = k.c)`;
export const opclassNames = (oids: string) =>
  `(select coalesce(string_agg(coalesce(oc.opcname::text, '0'), ',' order by k.o), '') ` +
  `from unnest(${oids}::oid[]) with ordinality k(c, o) left join pg_opclass oc on oc.oid = k.c)`;
export const columnNames = (rel: string, nums: string) =>
  `(select coalesce(string_agg(coalesce(a.attname::text, k.n::text), ',' order by k.o), '') ` +
  `from unnest(${nums}::int2[]) with ordinality k(n, o) left join pg_attribute a on a.attrelid = ${rel} and a.attnum = k.n)`;

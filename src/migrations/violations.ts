/**
 * When a check or foreign key fails on existing rows (at ADD or VALIDATE),
 * say which rows break it: how many, and the keys of the first few. Read
 * from the catalog, so it works for any constraint the database holds.
 */
import { type Kysely, sql } from "kysely";
import { ident, literal, qualified } from "../dialect/postgres/quote.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

interface ConstraintRow {
  type: "c" | "f";
  expression: string | null;
  columns: string[];
  ref_table: string | null;
  ref_columns: string[];
  match: string;
  key: string[];
}

/** "3 rows break it, e.g. (id)=(5), (id)=(9)"; undefined when it cannot tell (no such constraint). */
export async function describeViolations(
  db: Db,
  schema: string,
  table: string,
  constraint: string,
): Promise<string | undefined> {
  const found = await sql<ConstraintRow>`
    select con.contype::text as type,
           case when con.contype = 'c' then pg_get_expr(con.conbin, con.conrelid) end as expression,
           array(select a.attname::text from unnest(con.conkey) with ordinality k(n, o)
                 join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.o) as columns,
           case when con.contype = 'f' then format('%I.%I', rn.nspname, rc.relname) end as ref_table,
           array(select a.attname::text from unnest(con.confkey) with ordinality k(n, o)
                 join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.o) as ref_columns,
           con.confmatchtype::text as match,
           coalesce(array(select a.attname::text from pg_index i
                          join unnest(i.indkey::int2[]) with ordinality k(n, o) on true
                          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n
                          where i.indrelid = con.conrelid and i.indisprimary order by k.o), '{}') as key
    from pg_constraint con
    left join pg_class rc on rc.oid = con.confrelid
    left join pg_namespace rn on rn.oid = rc.relnamespace
    where con.conrelid = to_regclass(${qualified(schema, table)}) and con.conname = ${constraint}
      and con.contype in ('c', 'f')`.execute(db);
  const row = found.rows[0];
  if (!row) return undefined;
  const t = qualified(schema, table);
  const broken = row.type === "c" ? `not (${row.expression})` : foreignKeyBroken(t, row);
  // The primary key names a row; without one, its physical position does.
  const key = row.key.length > 0 ? row.key : row.columns;
  const shown = `format('(%s)=(%s)', ${literal(key.join(", "))}, concat_ws(', ', ${key.map(ident).join(", ")}))`;
  const result = await sql.raw<{ n: number; sample: string[] }>(
    `select count(*)::int as n, (array_agg(${shown}))[1:5] as sample from (select * from ${t} where ${broken}) ${
      ident(table)
    }`,
  ).execute(db);
  const { n, sample } = result.rows[0];
  return `${n} ${n === 1 ? "row breaks" : "rows break"} it, e.g. ${sample.join(", ")}`;
}

function foreignKeyBroken(table: string, row: ConstraintRow): string {
  const cols = row.columns.map(ident);
  // MATCH SIMPLE lets a row with any NULL key column through; MATCH FULL only an all-NULL one.
  const present = cols.map((c) => `${table}.${c} is not null`).join(row.match === "f" ? " or " : " and ");
  const same = cols.map((c, i) => `x.${ident(row.ref_columns[i])} = ${table}.${c}`).join(" and ");
  return `(${present}) and not exists (select 1 from ${row.ref_table} x where ${same})`;
}

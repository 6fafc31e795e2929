/** The names PostgreSQL gives a column's own objects, computed in SQL to compare with the catalogs'. */
import { type RawBuilder, sql } from "kysely";

/**
 * makeObjectName(c.relname, a.attname, label) in SQL: the longer of table
 * and column names is shortened a byte at a time until the whole fits in 63
 * bytes, cut on a character boundary. A one-row `select ... as name`.
 */
export const objectName = (label: RawBuilder<string>) =>
  sql`
  select clip.rel || '_' || clip.col || '_' || room.label as name
  from (select label, 63 - octet_length(label) - 2 as room,
               octet_length(c.relname) as rb, octet_length(a.attname) as ab
        from (select ${label} as label) l) room,
  lateral (select case when rb + ab <= room then rb when ab <= room / 2 then room - ab
                       when rb <= room / 2 then rb else room - room / 2 end as r,
                  case when rb + ab <= room then ab when ab <= room / 2 then ab
                       when rb <= room / 2 then room - rb else room / 2 end as t) len,
  lateral (select
      left(c.relname, (select max(k)::int from generate_series(0, len.r) k
                       where octet_length(left(c.relname, k)) <= len.r)) as rel,
      left(a.attname, (select max(k)::int from generate_series(0, len.t) k
                       where octet_length(left(a.attname, k)) <= len.t)) as col) clip`;

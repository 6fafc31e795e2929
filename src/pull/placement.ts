/** Where pull places a dependent object, for the queries over `pg_depend d` that ask which schema uses what. */
import { type RawBuilder, sql } from "kysely";

/**
 * The schema of `d.objid`, quoted as an identifier (as `pg_identify_object`
 * and `regnamespace` give it): a default, a view's query, a trigger and a
 * policy by their table, anything else as `own` says (its own schema).
 */
export const placedSchema = (own: RawBuilder<unknown>) =>
  sql`coalesce(
    (select c.relnamespace::regnamespace::text from pg_class c where c.oid = case d.classid
       when 'pg_attrdef'::regclass then (select adrelid from pg_attrdef where oid = d.objid)
       when 'pg_rewrite'::regclass then (select ev_class from pg_rewrite where oid = d.objid)
       when 'pg_trigger'::regclass then (select tgrelid from pg_trigger where oid = d.objid)
       when 'pg_policy'::regclass then (select polrelid from pg_policy where oid = d.objid) end),
    ${own})`;

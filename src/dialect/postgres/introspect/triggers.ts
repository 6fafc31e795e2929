/**
 * Triggers a user wrote (not internal ones, constraint triggers, nor the
 * clones a partition gets from its parent's): timing, events and `UPDATE OF`
 * columns from `tgtype`/`tgattr`, transition tables from `tgoldtable` and
 * `tgnewtable`, the WHEN condition as `pg_get_triggerdef`
 * prints it, the function and its arguments, the enabled state; it depends on
 * its function, and on its relation when it is a view or the trigger reads
 * columns (so it is rebuilt around their change).
 */
import { sql } from "kysely";
import type { DbObject } from "../../../model/objects.ts";
import { EVENT_ORDER, referencing, type TriggerObject } from "../../../model/objects/trigger.ts";
import { relationId, routineId } from "./functions.ts";
import type { Db, Scope } from "./scope.ts";

interface TriggerRow {
  schema: string;
  table: string;
  name: string;
  type: number;
  columns: string[];
  old_table: string | null;
  new_table: string | null;
  definition: string;
  has_when: boolean;
  function_schema: string;
  function_name: string;
  args: string;
  enabled: "O" | "D" | "R" | "A";
  comment: string | null;
  depends: string[];
}

const ENABLED = { O: "origin", D: "disabled", R: "replica", A: "always" } as const;
// tgtype bits (src/include/catalog/pg_trigger.h).
const [ROW, BEFORE, INSTEAD] = [1, 2, 64];
const EVENT_BITS = { insert: 4, delete: 8, update: 16, truncate: 32 } as const;

export async function introspectTriggers(db: Db, scope: Scope): Promise<DbObject[]> {
  const rows = await sql<TriggerRow>`
    select n.nspname::text as schema, c.relname::text as table, t.tgname::text as name, t.tgtype::int as type,
           array(select a.attname::text from unnest(t.tgattr::int2[]) with ordinality k(attnum, i)
                 join pg_attribute a on a.attrelid = t.tgrelid and a.attnum = k.attnum order by k.i) as columns,
           t.tgoldtable::text as old_table, t.tgnewtable::text as new_table,
           pg_get_triggerdef(t.oid, true) as definition, t.tgqual is not null as has_when,
           fn.nspname::text as function_schema, f.proname::text as function_name,
           encode(t.tgargs, 'hex') as args, t.tgenabled as enabled,
           obj_description(t.oid, 'pg_trigger') as comment,
           array(
             select distinct x.id from pg_depend d
             cross join lateral (
               select ${
    sql.raw(routineId("p", "pn"))
  } as id from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace
                 where d.refclassid = 'pg_proc'::regclass and p.oid = d.refobjid
               union all
               select ${sql.raw(relationId("r", "rn"))} from pg_class r join pg_namespace rn on rn.oid = r.relnamespace
                 where d.refclassid = 'pg_class'::regclass and r.oid = d.refobjid
                   and (d.refobjsubid <> 0 or r.relkind in ('v', 'm'))
             ) x
             where d.classid = 'pg_trigger'::regclass and d.objid = t.oid
             order by 1) as depends
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_proc f on f.oid = t.tgfoid join pg_namespace fn on fn.oid = f.pronamespace
    where ${scope.inSchemas} and not t.tgisinternal and t.tgconstraint = 0 and t.tgparentid = 0`.execute(db);
  return rows.rows.map(triggerObject);
}

/** `tgargs`: each argument followed by a zero byte. */
function decodeArguments(hex: string): string[] {
  const bytes = new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    out.push(new TextDecoder().decode(bytes.subarray(start, i)));
    start = i + 1;
  }
  return out;
}

/**
 * The WHEN condition of a trigger definition, without its parentheses. Found
 * outside quoted names and literals: a trigger, table or function name, or an
 * argument, may itself hold `FOR EACH ROW WHEN (` or `) EXECUTE `.
 */
function whenOf(definition: string): string {
  let [quote, start, depth] = ["", -1, 0];
  for (let i = 0; i < definition.length; i++) {
    const c = definition[i];
    if (quote !== "") {
      if (c === quote && definition[i + 1] === quote) i++;
      else if (c === quote) quote = "";
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (start < 0) {
      if (definition.startsWith("WHEN (", i) && /FOR EACH (ROW|STATEMENT) $/.test(definition.slice(i - 19, i))) {
        [start, depth, i] = [i + "WHEN (".length, 1, i + "WHEN ".length];
      }
    } else if (c === "(") {
      depth++;
    } else if (c === ")" && --depth === 0) {
      return definition.slice(start, i);
    }
  }
  return definition.slice(start);
}

function triggerObject(row: TriggerRow): TriggerObject {
  const events = EVENT_ORDER.filter((e) => (row.type & EVENT_BITS[e]) !== 0);
  return {
    kind: "trigger",
    schema: row.schema,
    name: row.name,
    table: row.table,
    timing: row.type & INSTEAD ? "instead of" : row.type & BEFORE ? "before" : "after",
    events,
    ...(row.columns.length > 0 ? { updateColumns: row.columns } : {}),
    ...(row.old_table !== null || row.new_table !== null
      ? { referencing: referencing(row.old_table ?? undefined, row.new_table ?? undefined) }
      : {}),
    forEach: row.type & ROW ? "row" : "statement",
    ...(row.has_when ? { when: whenOf(row.definition) } : {}),
    function: { schema: row.function_schema, name: row.function_name },
    arguments: decodeArguments(row.args),
    enabled: ENABLED[row.enabled],
    ...(row.comment !== null ? { comment: row.comment } : {}),
    ...(row.depends.length > 0 ? { dependsOn: row.depends } : {}),
  };
}

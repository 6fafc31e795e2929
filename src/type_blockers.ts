/**
 * Blockers of user type operations (see blockers.ts): what PostgreSQL
 * refuses because something still uses the type.
 * - `DROP TYPE` (kyrage never cascades) fails while any object depends on
 *   the type or on what it owns (its array and multirange types, a range's
 *   constructors): dropping a type, rebuilding a composite or range, and the
 *   old type a rebuilt enum leaves behind.
 * - `ALTER ATTRIBUTE ... TYPE` fails while any table stores the composite,
 *   directly or inside an array, domain, range or other composite.
 * Dependents the plan removes before the statement runs do not count.
 */
import { sql, type Transaction } from "kysely";
import { qualified } from "./dialect/postgres/quote.ts";
import type { Operation } from "./diff/operations.ts";
import { qualifiedName } from "./model/types.ts";

/** Same shape as `Blocker`. */
export interface TypeBlocker {
  readonly object: string;
  readonly reason: string;
}

export interface TypeCheck {
  readonly kind: "dependents" | "stored";
  /** The type, as `to_regtype` reads it. */
  readonly type: string;
  /** Whether the statement runs after the plan's column retypes and type drops (a plain drop). */
  readonly late?: boolean;
  /**
   * Only composite attributes and ranges count: an enum rebuild converts the
   * columns itself, with their defaults, checks and indexes.
   */
  readonly typesOnly?: boolean;
  /** `type` names an extension: what depends on anything it installed. */
  readonly extension?: boolean;
  readonly describe: (uses: string) => TypeBlocker;
}

const REBUILD_COMPOSITE = "attributes reordered, or added before existing ones";

/** The checks the operations need; none means no query. */
export function typeChecks(ops: readonly Operation[]): TypeCheck[] {
  return ops.flatMap((op): TypeCheck[] => {
    if (op.kind === "drop_object" && op.object.kind === "extension") {
      const name = op.object.name;
      return [{
        kind: "dependents",
        type: name,
        extension: true,
        late: true,
        describe: (uses) => ({
          object: `extension ${name}`,
          reason: `is still used by ${uses}, so DROP EXTENSION would fail (kyrage never drops with CASCADE); ` +
            "stop using its types and functions there first, or keep it in the config",
        }),
      }];
    }
    if (!("name" in op)) return [];
    const type = qualified(op.schema, op.name);
    const object = `${op.schema}.${op.name}`;
    switch (op.kind) {
      case "drop_composite_type":
      case "drop_range_type":
        return [{
          kind: "dependents",
          type,
          late: true,
          describe: (uses) => ({
            object,
            reason: `is still used by ${uses}, so DROP TYPE would fail (kyrage never drops with CASCADE); ` +
              "stop using the type there first, or keep it in the config",
          }),
        }];
      case "recreate_composite_type":
      case "recreate_range_type": {
        const why = op.kind === "recreate_range_type"
          ? "its definition changes and PostgreSQL cannot alter a range type"
          : `its ${REBUILD_COMPOSITE}`;
        const instead = op.kind === "recreate_range_type"
          ? "define the changed range under another name, convert the columns to it " +
            '(`using: "col::text::new_range"`), then remove the old one'
          : "keep the existing attributes in their order and add new ones at the end, or create a new type " +
            "under another name and convert the columns to it";
        return [{
          kind: "dependents",
          type,
          describe: (uses) => ({
            object,
            reason: `must be dropped and created again (${why}), but ${uses} use it; ${instead}`,
          }),
        }];
      }
      case "recreate_enum":
        return [{
          kind: "dependents",
          type,
          typesOnly: true,
          describe: (uses) => ({
            object,
            reason: `is rebuilt (labels removed or reordered), but ${uses} use it and kyrage converts only ` +
              "table columns; remove the enum from those types first, or keep its labels",
          }),
        }];
      case "alter_composite_type":
        return (op.changes.alter ?? []).map(({ from, to }) => ({
          kind: "stored",
          type,
          describe: (uses) => ({
            object: `${object}.${to.name}`,
            reason: `changes (${from.type}${from.collation ? ` collate ${from.collation}` : ""} → ${to.type}` +
              `${to.collation ? ` collate ${to.collation}` : ""}), which PostgreSQL refuses while ${uses} store ` +
              `the composite type; keep the attribute as it is, or add a new attribute and drop this one (losing ` +
              "its values), or create a new type and convert the columns to it",
          }),
        }));
      default:
        return [];
    }
  });
}

// deno-lint-ignore no-explicit-any
type Tx = Transaction<any>;

/** What the plan removes, in the plan's (renamed) names. */
function removals(ops: readonly Operation[]) {
  const tableNames = new Map<string, string>();
  const columnNames = new Map<string, string>();
  const early = new Set<string>();
  const late = new Set<string>();
  for (const op of ops) {
    switch (op.kind) {
      case "rename_table":
        tableNames.set(qualifiedName(op.schema, op.from), qualifiedName(op.schema, op.to));
        break;
      case "rename_column":
        columnNames.set(`${qualifiedName(op.schema, op.table)}.${op.from}`, op.to);
        break;
      case "drop_table":
        early.add(`table ${qualifiedName(op.schema, op.table)}`);
        break;
      case "drop_column":
        early.add(`column ${qualifiedName(op.schema, op.table)}.${op.column.name}`);
        break;
      case "alter_column":
        if (op.changes.type) late.add(`column ${qualifiedName(op.schema, op.table)}.${op.column}`);
        break;
      case "drop_composite_type":
      case "recreate_composite_type":
      case "drop_range_type":
      case "recreate_range_type":
        late.add(`type ${qualifiedName(op.schema, op.name)}`);
        break;
      case "alter_composite_type":
        for (const a of [...op.changes.drop ?? [], ...(op.changes.alter ?? []).map((x) => x.from)]) {
          late.add(`attribute ${qualifiedName(op.schema, op.name)}.${a.name}`);
        }
        break;
      case "drop_object":
        // A domain rebuilt goes before the types are created; one dropped, before the types it uses.
        if (op.object.kind === "domain") {
          (op.recreated ? early : late).add(`type ${qualifiedName(op.object.schema, op.object.name)}`);
        }
        break;
    }
  }
  return { tableNames, columnNames, early, late };
}

interface Dependent {
  i: number;
  what: string;
  relkind: string | null;
  rel_schema: string | null;
  rel_name: string | null;
  attribute: string | null;
  typtype: string | null;
  type_schema: string | null;
  type_name: string | null;
  /** An index (on an extension's operator class): its table's columns. */
  index_columns?: string[] | null;
}

export async function typeBlockers(tx: Tx, ops: readonly Operation[], checks: readonly TypeCheck[]): Promise<
  TypeBlocker[]
> {
  if (checks.length === 0) return [];
  const { tableNames, columnNames, early, late } = removals(ops);
  const rows = await dependents(tx, checks);
  const found = new Map<number, string[]>();
  for (const row of rows) {
    const check = checks[row.i - 1];
    const place = describeDependent(row, tableNames, columnNames);
    if (check.typesOnly && place.kind !== "type") continue;
    const removed = place.keys.some((k) => early.has(k) || (check.late && late.has(k)));
    if (removed) continue;
    const places = found.get(row.i) ?? [];
    // A domain and its checks are one dependent.
    if (!places.includes(place.text)) found.set(row.i, [...places, place.text]);
  }
  return [...found.entries()].map(([i, places]) => {
    const shown = places.slice(0, 5).join(", ") + (places.length > 5 ? ` and ${places.length - 5} more` : "");
    return checks[i - 1].describe(shown);
  });
}

/** The dependent for the user, and the keys under which the plan may remove it. */
function describeDependent(
  row: Dependent,
  tableNames: ReadonlyMap<string, string>,
  columnNames: ReadonlyMap<string, string>,
): { kind: "column" | "type" | "other"; text: string; keys: string[] } {
  if (row.rel_name !== null && row.attribute !== null && (row.relkind === "r" || row.relkind === "p")) {
    const table = tableNames.get(qualifiedName(row.rel_schema!, row.rel_name)) ??
      qualifiedName(row.rel_schema!, row.rel_name);
    const column = columnNames.get(`${table}.${row.attribute}`) ?? row.attribute;
    return { kind: "column", text: `column ${table}.${column}`, keys: [`table ${table}`, `column ${table}.${column}`] };
  }
  if (row.rel_name !== null && row.attribute !== null && row.relkind === "c") {
    const type = qualifiedName(row.rel_schema!, row.rel_name);
    return {
      kind: "type",
      text: `attribute ${row.attribute} of composite type ${type}`,
      keys: [`type ${type}`, `attribute ${type}.${row.attribute}`],
    };
  }
  if (row.relkind === "i" && row.index_columns) {
    // PostgreSQL rebuilds an index over a retyped column, and drops it with the column or table.
    const table = tableNames.get(qualifiedName(row.rel_schema!, row.rel_name!)) ??
      qualifiedName(row.rel_schema!, row.rel_name!);
    const columns = row.index_columns.map((c) => `column ${table}.${columnNames.get(`${table}.${c}`) ?? c}`);
    return { kind: "other", text: row.what, keys: [`table ${table}`, ...columns] };
  }
  if (row.typtype === "r") {
    const type = qualifiedName(row.type_schema!, row.type_name!);
    return { kind: "type", text: `range type ${type}`, keys: [`type ${type}`] };
  }
  if (row.typtype === "d") {
    // The domain, or one of its checks; an enum rebuild leaves domains to dependents.ts.
    const type = qualifiedName(row.type_schema!, row.type_name!);
    return { kind: "other", text: `domain ${type}`, keys: [`type ${type}`] };
  }
  return { kind: "other", text: row.what, keys: [] };
}

/** One query per kind of check: the objects each type's statement would trip over. */
async function dependents(tx: Tx, checks: readonly TypeCheck[]): Promise<Dependent[]> {
  const types = (kind: TypeCheck["kind"]) => checks.map((c) => (c.kind === kind && !c.extension ? c.type : null));
  const extensions = checks.map((c) => (c.extension ? c.type : null));
  const dropped = await sql<Dependent>`
    with recursive owned(i, classid, objid) as (
      select w.i::int, 'pg_type'::regclass::oid, to_regtype(w.type)::oid
      from unnest(${types("dependents")}::text[]) with ordinality w(type, i)
      where w.type is not null and to_regtype(w.type) is not null
      union
      select w.i::int, 'pg_extension'::regclass::oid, e.oid
      from unnest(${extensions}::text[]) with ordinality w(name, i) join pg_extension e on e.extname = w.name
      union
      -- What a type owns (its array type, ...), and an extension's members.
      select o.i, d.classid, d.objid from pg_depend d join owned o on d.refclassid = o.classid and d.refobjid = o.objid
      where d.deptype in ('i', 'e')
    )
    select distinct o.i, pg_describe_object(d.classid, d.objid, d.objsubid) as what,
           c.relkind::text as relkind, cn.nspname::text as rel_schema,
           coalesce(ic.relname, c.relname)::text as rel_name, a.attname::text as attribute,
           t.typtype::text as typtype, tn.nspname::text as type_schema, t.typname::text as type_name,
           case when ix.indexrelid is not null then array(
             select attname::text from pg_attribute where attrelid = ix.indrelid and attnum = any(ix.indkey)) end
             as index_columns
    from owned o
    join pg_depend d on d.refclassid = o.classid and d.refobjid = o.objid and d.deptype = 'n'
    left join pg_class c on d.classid = 'pg_class'::regclass and c.oid = d.objid
    left join pg_index ix on ix.indexrelid = c.oid
    left join pg_class ic on ic.oid = ix.indrelid
    left join pg_namespace cn on cn.oid = coalesce(ic.relnamespace, c.relnamespace)
    left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
    left join pg_constraint con on d.classid = 'pg_constraint'::regclass and con.oid = d.objid
    left join pg_type t on t.oid = case when d.classid = 'pg_type'::regclass then d.objid else con.contypid end
    left join pg_namespace tn on tn.oid = t.typnamespace
    where not exists (select 1 from owned x where x.i = o.i and x.classid = d.classid and x.objid = d.objid)
    order by 1, 2`.execute(tx);
  const stored = await sql<Dependent>`
    with recursive uses(i, typ) as (
      select w.i::int, to_regtype(w.type)::oid
      from unnest(${types("stored")}::text[]) with ordinality w(type, i)
      where w.type is not null and to_regtype(w.type) is not null
      union
      -- Arrays, domains, ranges and multiranges of it, and composite types holding it.
      select u.i, coalesce(c.reltype, d.objid)
      from pg_depend d join uses u on d.refclassid = 'pg_type'::regclass and d.refobjid = u.typ
      left join pg_class c on d.classid = 'pg_class'::regclass and c.oid = d.objid and c.relkind = 'c'
      where d.classid = 'pg_type'::regclass or c.oid is not null
    )
    select distinct u.i, pg_describe_object(d.classid, d.objid, d.objsubid) as what, c.relkind::text as relkind, n.nspname::text as rel_schema,
           c.relname::text as rel_name, a.attname::text as attribute,
           null::text as typtype, null::text as type_schema, null::text as type_name
    from uses u
    join pg_depend d on d.refclassid = 'pg_type'::regclass and d.refobjid = u.typ
      and d.classid = 'pg_class'::regclass and d.objsubid > 0
    join pg_class c on c.oid = d.objid and c.relkind in ('r', 'p', 'm')
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and not a.attisdropped
    order by 1, 4, 5, 6`.execute(tx);
  return [...dropped.rows, ...stored.rows];
}

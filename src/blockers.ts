/**
 * Blockers: what makes planned operations fail on this particular database,
 * found before anything is written — NOT NULL on a column that holds NULLs,
 * enum labels removed while rows use them, a partition over rows its
 * parent's DEFAULT partition holds, a domain check or NOT NULL over values
 * its columns hold, a new relation whose name is
 * taken by something kyrage does not manage, an unmanaged view or function
 * depending on what the plan drops or retypes, an operator class that does
 * not fit its column. `generate` refuses a plan with
 * blockers; `plan` marks them `WILL FAIL`. Queries that read user tables
 * wait for locks only `PLANNING_LOCK_TIMEOUT`, then name who holds them.
 */
import { sql, type Transaction } from "kysely";
import type { Database } from "./dialect/database.ts";
import type { Operation } from "./diff/operations.ts";
import type { SchemaModel } from "./model/schema_model.ts";
import { changedObjects, type Dependent, unmanagedDependents } from "./dependents.ts";
import { KyrageError, messageOf } from "./errors.ts";
import { describeObject } from "./model/objects.ts";
import { retypeBlockers } from "./retype_blockers.ts";
import { defaultMultirangeName } from "./model/type_names.ts";
import { typeBlockers, typeChecks } from "./type_blockers.ts";
import { sequenceBlockers, sequenceChecks } from "./sequence_blockers.ts";
import { optionBlockers, optionCheckCount, optionChecks } from "./option_blockers.ts";
import { conversionChecks, countRows, labelChecks, nullChecks } from "./row_blockers.ts";
import { partitionChecks } from "./partition_blockers.ts";
import { domainContainerBlockers, domainRows, domainRowTables } from "./domain_blockers.ts";

export interface Blocker {
  /** What the migration would fail on: `public.people.email`. */
  readonly object: string;
  /** Why, and what to do, for the user. */
  readonly reason: string;
}

/** How long a planning query waits for a table lock another session holds. */
export const PLANNING_LOCK_TIMEOUT = "5s";

// deno-lint-ignore no-explicit-any
type Tx = Transaction<any>;

/**
 * `desired.enums`: the labels a column converted to one must fit;
 * `desired.schemas`: what depends on the plan's changes outside them is not kyrage's to change.
 */
export async function planBlockers(
  database: Database,
  ops: readonly Operation[],
  desired: Pick<SchemaModel, "enums" | "schemas" | "tables">,
): Promise<Blocker[]> {
  return [
    ...await tableBlockers(database, ops, desired),
    ...domainContainerBlockers(ops),
    ...await domainRowBlockers(database, ops),
  ];
}

class RolledBack extends Error {}

/**
 * Domain checks evaluated on stored values (domain_blockers.ts), in a transaction rolled back; one that cannot
 * be evaluated before the migration runs is left to PostgreSQL.
 */
async function domainRowBlockers(database: Database, ops: readonly Operation[]): Promise<Blocker[]> {
  const tables = domainRowTables(ops);
  if (tables.length === 0) return [];
  let found: Blocker[] = [];
  try {
    await database.db.transaction().execute(async (tx) => {
      await sql`select set_config('lock_timeout', ${PLANNING_LOCK_TIMEOUT}, true)`.execute(tx);
      found = await domainRows(tx, ops);
      throw new RolledBack();
    });
  } catch (error) {
    if (error instanceof RolledBack) return found;
    if (lockTimedOut(error)) throw await lockError(database, { tables }, error);
  }
  return [];
}

async function tableBlockers(
  database: Database,
  ops: readonly Operation[],
  desired: Pick<SchemaModel, "enums" | "schemas" | "tables">,
): Promise<Blocker[]> {
  const nulls = nullChecks(ops);
  const labels = [...labelChecks(ops), ...conversionChecks(ops, desired.enums)];
  const partitions = partitionChecks(ops, desired);
  const names = newNames(ops);
  const changed = changedObjects(ops);
  // Objects the plan itself drops (and creates again) are in its hands, as are the callers it takes off a routine.
  const rebuilt = new Set([
    ...ops.flatMap((op) => (op.kind === "drop_object" ? [describeObject(op.object)] : [])),
    ...takenOff(ops),
  ]);
  const [types, sequences] = [typeChecks(ops), sequenceChecks(ops)];
  const retypes = retypeBlockers(ops, desired);
  const options = optionChecks(ops, desired.tables);
  const asked = nulls.length + labels.length + partitions.length + names.length + changed.length + types.length +
    sequences.length + optionCheckCount(options);
  if (asked === 0) return retypes;
  try {
    return await database.db.transaction().execute(async (tx) => {
      await sql`select set_config('lock_timeout', ${PLANNING_LOCK_TIMEOUT}, true)`.execute(tx);
      return [
        ...retypes,
        ...await countRows(tx, nulls),
        ...await countRows(tx, labels),
        ...await countRows(tx, partitions),
        ...await takenNames(tx, names),
        ...(await unmanagedDependents(tx, changed, desired.schemas))
          .filter((d) => !rebuilt.has(d.object))
          .map(dependentBlocker),
        ...await typeBlockers(tx, ops, types),
        ...await sequenceBlockers(tx, sequences),
        ...await optionBlockers(tx, options),
      ];
    });
  } catch (error) {
    if (!lockTimedOut(error)) throw error;
    throw await lockError(database, { tables: [...nulls, ...labels, ...partitions].map((c) => c.table) }, error);
  }
}

/**
 * The defaults, checks and indexes the operations drop, as `unmanagedDependents`
 * names them: under their names before the migration (renames run first).
 */
function takenOff(ops: readonly Operation[]): string[] {
  const before = new Map<string, string>();
  for (const op of ops) {
    if (op.kind === "rename_table") before.set(`${op.schema}.${op.to}`, `${op.schema}.${op.from}`);
  }
  const table = (schema: string, name: string) => before.get(`${schema}.${name}`) ?? `${schema}.${name}`;
  for (const op of ops) {
    if (op.kind === "rename_column" || op.kind === "rename_constraint" || op.kind === "rename_index") {
      before.set(`${op.schema}.${op.table}.${op.to}`, op.from);
    }
  }
  const name = (schema: string, t: string, n: string) => before.get(`${schema}.${t}.${n}`) ?? n;
  return ops.flatMap((op) => {
    if (!("table" in op)) return [];
    const on = table(op.schema, op.table);
    switch (op.kind) {
      case "drop_default":
        return [`default of column ${on}.${name(op.schema, op.table, op.column)}`];
      case "drop_column":
        return [`default of column ${on}.${name(op.schema, op.table, op.column.name)}`];
      case "drop_check":
        return [`constraint ${name(op.schema, op.table, op.check.name)} on ${on}`];
      case "drop_index":
        return [`index ${name(op.schema, op.table, op.index.name)} on ${on}`];
      default:
        return [];
    }
  });
}

interface NewName {
  readonly schema: string;
  readonly name: string;
  /** What the plan creates under it: `table public.t`. */
  readonly what: string;
  /** Tables and enums are types too, and clash with any type of that name. */
  readonly isType: boolean;
}

/** Relation and type names the operations create, minus those they free first. */
function newNames(ops: readonly Operation[]): NewName[] {
  const created: NewName[] = [];
  const freed = new Set<string>();
  const key = (schema: string, name: string) => `${schema}\u0000${name}`;
  for (const op of ops) {
    // Objects live in the schemas kyrage owns, where every relation is its own.
    if (op.kind === "sql" || op.kind === "create_object" || op.kind === "drop_object" || op.kind === "alter_object") {
      continue;
    }
    const on = (what: string, name: string, isType = false) =>
      created.push({ schema: op.schema, name, what: `${what} ${op.schema}.${name}`, isType });
    switch (op.kind) {
      case "create_table":
        on("table", op.table, true);
        if (op.primaryKey) on("primary key", op.primaryKey.name);
        break;
      case "create_enum":
        on("enum type", op.name, true);
        break;
      case "create_composite_type":
        on("composite type", op.name, true);
        break;
      case "create_range_type": {
        on("range type", op.name, true);
        const multi = op.definition.multirange ?? { schema: op.schema, name: defaultMultirangeName(op.name) };
        created.push({ ...multi, what: `multirange type ${multi.schema}.${multi.name}`, isType: true });
        break;
      }
      case "create_index":
        on("index", op.index.name);
        break;
      case "add_unique":
        on("unique constraint", op.unique.name);
        break;
      case "add_primary_key":
        on("primary key", op.primaryKey.name);
        break;
      case "rename_table":
        on("table", op.to, true);
        freed.add(key(op.schema, op.from));
        break;
      case "rename_index":
        on("index", op.to);
        freed.add(key(op.schema, op.from));
        break;
      case "rename_sequence":
        on("sequence", op.to);
        freed.add(key(op.schema, op.from));
        break;
      case "drop_table":
        freed.add(key(op.schema, op.table));
        break;
      case "drop_index":
        freed.add(key(op.schema, op.index.name));
        break;
      case "drop_unique":
        freed.add(key(op.schema, op.unique.name));
        break;
      case "drop_primary_key":
        freed.add(key(op.schema, op.primaryKey.name));
        break;
      case "drop_enum":
      case "drop_composite_type":
        freed.add(key(op.schema, op.name));
        break;
      case "drop_range_type": {
        freed.add(key(op.schema, op.name));
        const multi = op.definition.multirange ?? { schema: op.schema, name: defaultMultirangeName(op.name) };
        freed.add(key(multi.schema, multi.name));
        break;
      }
    }
  }
  return created.filter((c) => !freed.has(key(c.schema, c.name)));
}

const RELKINDS: Record<string, string> = {
  r: "table",
  p: "partitioned table",
  i: "index",
  I: "partitioned index",
  S: "sequence",
  v: "view",
  m: "materialized view",
  c: "composite type",
  f: "foreign table",
  t: "TOAST table",
};

/** Names the plan creates that a relation (or, for types, any type) already holds. */
async function takenNames(tx: Tx, names: readonly NewName[]): Promise<Blocker[]> {
  if (names.length === 0) return [];
  const rows = await sql<{ i: number; holder: string }>`
    select w.i::int as i,
           coalesce(
             (select c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = w.schema and c.relname = w.name),
             (select case t.typtype when 'e' then 'enum type' when 'd' then 'domain' else 'type' end
              from pg_type t join pg_namespace n on n.oid = t.typnamespace
              where w.is_type = 'y' and n.nspname = w.schema and t.typname = w.name)) as holder
    from unnest(${names.map((n) => n.schema)}::text[], ${names.map((n) => n.name)}::text[],
                ${names.map((n) => (n.isType ? "y" : "n"))}::text[]) with ordinality w(schema, name, is_type, i)`
    .execute(tx);
  return rows.rows.filter((r) => r.holder !== null).map((r) => {
    const n = names[r.i - 1];
    const holder = RELKINDS[r.holder] ?? r.holder;
    return {
      object: `${n.schema}.${n.name}`,
      reason: `a ${holder} of that name already exists in the database, so creating ${n.what} would fail; ` +
        `rename it in the config, or drop or rename the ${holder} first`,
    };
  });
}

/** An unmanaged object PostgreSQL would refuse to leave dangling: what it is, and how to get past it. */
/** Kinds kyrage manages in the schemas it owns, as `pg_describe_object` names them. */
const MANAGED_KINDS = new Set(["view", "materialized view", "function", "procedure", "trigger", "policy", "sequence"]);

function dependentBlocker(d: Dependent): Blocker {
  const advice = d.keptBy !== undefined
    ? `the migration keeps it on ${d.keptBy}: give the changed routine a new name, or stop calling the old one ` +
      "there in one migration and change the routine in the next"
    : d.unmanagedOwner !== undefined
    ? `it belongs to ${d.unmanagedOwner}, which kyrage does not manage: change or drop it first (or, if that ` +
      "schema should be kyrage's, add it to the config's schemas so that the migration changes it too)"
    : d.kind === "table"
    ? "it inherits from it, which kyrage does not model: detach it first (ALTER TABLE ... NO INHERIT ...) or drop it"
    : d.kind === "object"
    ? "drop it before applying and recreate it after (kyrage does not manage it)"
    : d.kind === "domain"
    ? "a domain cannot follow a change to the type under it or the labels its checks name: change or drop the " +
      "domain in one migration and the type in the next"
    : MANAGED_KINDS.has(d.kind)
    ? `it is outside the schemas kyrage owns: drop the ${d.kind} before applying and recreate it after, or add its ` +
      "schema to the config's schemas and declare it there (kyrage then rebuilds it around the change)"
    : d.kind === "publication"
    ? "take the table out of the publication before applying (ALTER PUBLICATION ... DROP TABLE) and add it back after"
    : `drop the ${d.kind} before applying and recreate it after (kyrage does not manage ${
      d.kind === "policy" ? "policies" : `${d.kind}s`
    } yet)`;
  return { object: d.object, reason: `depends on ${d.on}, ${d.change}, so PostgreSQL would refuse it: ${advice}` };
}

/** Where a planning read waited: the tables it reads rows of, or (reading the catalogs) the managed schemas. */
export type LockScope = { readonly tables: readonly string[] } | { readonly schemas: readonly string[] };

/** Whether a statement gave up on a lock (`lock_timeout`). */
export function lockTimedOut(error: unknown): boolean {
  return (error as { code?: string })?.code === "55P03";
}

/** A planning read gave up on a lock: name the sessions that hold the tables it reads. */
export async function lockError(
  database: Database,
  scope: LockScope,
  error: unknown,
  reader = "Planning",
): Promise<KyrageError> {
  const tables = "tables" in scope ? [...scope.tables] : [];
  const schemas = "schemas" in scope ? [...scope.schemas] : [];
  const holders = await sql<{ rel: string; pid: number; state: string; query: string }>`
    select n.nspname || '.' || c.relname as rel, a.pid, coalesce(a.state, '') as state,
           left(coalesce(a.query, ''), 200) as query
    from pg_locks l join pg_stat_activity a on a.pid = l.pid
    join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
    where l.granted and l.mode = 'AccessExclusiveLock' and l.pid <> pg_backend_pid()
      and (l.relation in (select to_regclass(t) from unnest(${tables}::text[]) t) or n.nspname = any(${schemas}::text[]))
    order by rel, a.pid`.execute(database.db).then(
    (r) => r.rows,
    () => [],
  );
  const who = holders.length > 0
    ? holders.map((h) => `${h.rel} is locked by session ${h.pid} (${h.state}: ${h.query})`).join("; ")
    : `another session holds a lock on ${
      tables.length > 0 ? `one of ${tables.join(", ")}` : `something in schema ${schemas.join(", ")}`
    }`;
  return new KyrageError(
    `${reader} waited ${PLANNING_LOCK_TIMEOUT} for a table lock on ${database.label} and gave up (${
      messageOf(error)
    }): ${who}. Nothing was planned or written; retry once that session ends.`,
    { cause: error },
  );
}

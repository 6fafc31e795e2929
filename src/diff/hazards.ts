/**
 * What each operation costs the application while it runs, from its type
 * and data (and the desired schema's DEFAULT partitions, which a new bound
 * scans): the strongest table lock it takes, and its hazards. The
 * lock matters for as long as the statement's costly part lasts (a scan, a
 * rewrite, an index build); metadata-only changes hold theirs for an instant.
 */
import { isNarrowing } from "./destructive.ts";
import type { Operation, OperationOf } from "./operations.ts";
import type { Table } from "../model/types.ts";
import { flipsDirection } from "../model/sequences.ts";

/** Table lock levels, weakest first (the ones DDL takes). */
export const LOCKS = ["none", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "ACCESS EXCLUSIVE"] as const;
export type Lock = typeof LOCKS[number];

export type Hazard =
  | "rewrites table"
  | "scans table"
  | "builds index"
  | "deletes data"
  | "may fail on existing rows"
  | "restarts sequence";

/** Another table a statement locks, `schema.table`, and why: a foreign key's referenced table, a partition's parent. */
export interface OtherLock {
  readonly table: string;
  readonly lock: Lock;
  readonly hazards: readonly Hazard[];
  readonly why: string;
}

export interface OperationHazards {
  /** The table the lock is on, `schema.table`; undefined for objects that are not tables. */
  readonly table?: string;
  /** Other tables the statement locks, held as long as the table's own lock. */
  readonly others?: readonly OtherLock[];
  /** The tables a statement on another object locks and works on, each the same way (an ALTER DOMAIN's scans). */
  readonly tables?: readonly string[];
  readonly lock: Lock;
  readonly hazards: readonly Hazard[];
}

/** Whether a type change rewrites every row; the ones PostgreSQL makes in place are few. */
function rewrites(from: string, to: string): boolean {
  if (from === to) return false;
  const base = (t: string) => t.replace(/\(.*\)/, "");
  const [a, b] = [base(from), base(to)];
  const bounded = to.includes("(");
  if (a === "character varying" && (b === "text" || b === "character varying")) return isNarrowing(from, to);
  if (a === "text" && b === "character varying") return bounded;
  if (a === "numeric" && b === "numeric") {
    if (!bounded) return false;
    const [p1, s1] = (/\((\d+),?(\d+)?\)/.exec(from) ?? []).slice(1).map(Number);
    const [p2, s2] = (/\((\d+),?(\d+)?\)/.exec(to) ?? []).slice(1).map(Number);
    return !(p1 !== undefined && (s1 || 0) === (s2 || 0) && p2 >= p1);
  }
  return !(a === "cidr" && b === "inet");
}

/**
 * PostgreSQL's volatile functions a default may call (pg_catalog's, and
 * uuid-ossp's and pgcrypto's): ADD COLUMN with such a default computes it
 * for every row, rewriting the table. Others, and a user's own functions,
 * are not known here.
 */
const VOLATILE = new Set([
  "array_sample",
  "array_shuffle",
  "clock_timestamp",
  "currval",
  "gen_random_bytes",
  "gen_random_uuid",
  "gen_salt",
  "lastval",
  "nextval",
  "random",
  "random_normal",
  "setval",
  "timeofday",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "uuidv4",
  "uuidv7",
]);

/** Whether an expression calls one of VOLATILE (string literals left out, so `'random()'` is text). */
export function callsVolatile(expression: string): boolean {
  const code = expression.replace(/'(?:[^']|'')*'/g, "''");
  return [...code.matchAll(/([A-Za-z_][A-Za-z0-9_$]*)"?\s*\(/g)].some((m) => VOLATILE.has(m[1].toLowerCase()));
}

const quiet = (lock: Lock, table?: string): OperationHazards => ({ lock, hazards: [], ...(table ? { table } : {}) });

/**
 * A partitioned table's DEFAULT partition by the parent's `schema.table`
 * (from the desired schema): PostgreSQL scans it, under ACCESS EXCLUSIVE,
 * when a partition is added or re-bounded beside it.
 */
export function defaultPartitions(tables: readonly Table[]): ReadonlyMap<string, string> {
  return new Map(
    tables.flatMap((t) =>
      t.partitionOf?.bound === "DEFAULT"
        ? [[`${t.partitionOf.schema}.${t.partitionOf.table}`, `${t.schema}.${t.name}`]]
        : []
    ),
  );
}

/**
 * The parent's lock of a partition created, attached or detached (ACCESS
 * EXCLUSIVE but for a plain ATTACH), and the scan of a DEFAULT partition
 * beside a new bound. (A dropped partition's is `withParent`.)
 */
function partitionLocks(
  op: OperationOf<"create_table" | "attach_partition" | "detach_partition">,
  defaults: ReadonlyMap<string, string>,
): OtherLock[] {
  const of = op.partitionOf;
  if (!of) return [];
  const [parent, partition] = [`${of.schema}.${of.table}`, `${op.schema}.${op.table}`];
  const lock = op.kind === "attach_partition" && !op.detachFrom ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE";
  const rest = op.kind !== "detach_partition" && of.bound !== "DEFAULT" ? defaults.get(parent) : undefined;
  return [
    { table: parent, lock, hazards: [], why: `parent of ${partition}` },
    ...(rest
      ? [{
        table: rest,
        lock: "ACCESS EXCLUSIVE" as const,
        hazards: ["scans table" as const, "may fail on existing rows" as const],
        why: `DEFAULT partition of ${parent}, checked for rows in the bound of ${partition}`,
      }]
      : []),
  ];
}

/** A dropped partition's parent, locked while the partition goes. */
function withParent(op: OperationOf<"drop_table">): Pick<OperationHazards, "others"> {
  const of = op.partitionOf;
  if (!of) return {};
  const why = `parent of ${op.schema}.${op.table}`;
  return { others: [{ table: `${of.schema}.${of.table}`, lock: "ACCESS EXCLUSIVE", hazards: [], why }] };
}

export function hazardsOf(op: Operation, defaults: ReadonlyMap<string, string> = new Map()): OperationHazards {
  const table = "table" in op ? `${op.schema}.${op.table}` : undefined;
  const at = (lock: Lock, ...hazards: Hazard[]): OperationHazards => ({ lock, hazards, ...(table ? { table } : {}) });
  switch (op.kind) {
    case "create_table": {
      // A new table is empty; a new partition locks its parent.
      const others = partitionLocks(op, defaults);
      return others.length > 0 ? { lock: "none", hazards: [], others } : quiet("none");
    }
    case "create_schema":
    case "create_enum":
    case "add_enum_value":
      return quiet("none");
    case "drop_enum":
      return quiet("none");
    case "recreate_enum":
      return { lock: "ACCESS EXCLUSIVE", hazards: op.columns.length > 0 ? ["rewrites table"] : [] };
    case "drop_table":
      return { ...at("ACCESS EXCLUSIVE", "deletes data"), ...withParent(op) };
    case "drop_column":
      return at("ACCESS EXCLUSIVE", ...(op.column.generated === undefined ? ["deletes data" as const] : []));
    case "add_column": {
      const c = op.column;
      // A stored generated or identity column fills every row; so does a volatile default.
      const fills = c.generated !== undefined || c.identity !== undefined || c.serial !== undefined ||
        (c.default !== undefined && callsVolatile(c.default));
      const fails = c.notNull && c.default === undefined && !fills;
      return at(
        "ACCESS EXCLUSIVE",
        ...(fills ? ["rewrites table" as const] : []),
        ...(fails ? ["may fail on existing rows" as const] : []),
      );
    }
    case "alter_column": {
      const c = op.changes;
      const hazards: Hazard[] = [];
      if (c.type && (c.type.using !== undefined || c.type.viaText || rewrites(c.type.from, c.type.to))) {
        hazards.push("rewrites table", "may fail on existing rows");
      }
      if (c.collation && !hazards.includes("rewrites table")) hazards.push("builds index");
      if (c.notNull?.to) hazards.push("scans table", "may fail on existing rows");
      if (c.identity?.to && !c.identity.from) hazards.push("scans table");
      if (c.identityOptions && flipsDirection(c.identityOptions.from, c.identityOptions.to)) {
        hazards.push("restarts sequence");
      }
      const metadataOnly = hazards.length === 0 && !c.type && !c.notNull && !c.default && !c.identity &&
        !c.generated && !c.serial && !c.compression;
      return at(metadataOnly ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE", ...hazards);
    }
    case "rename_table":
    case "rename_column":
    case "rename_constraint":
    case "rename_not_null":
    // On the sequence: inserts drawing from it wait, for an instant.
    case "rename_sequence":
    case "drop_default":
      return at("ACCESS EXCLUSIVE");
    case "rename_index":
      return at("SHARE UPDATE EXCLUSIVE");
    case "add_primary_key":
    case "add_unique":
      return op.usingIndex
        ? at("ACCESS EXCLUSIVE")
        : at("ACCESS EXCLUSIVE", "builds index", "may fail on existing rows");
    case "add_foreign_key": {
      const referenced = `${op.foreignKey.refSchema}.${op.foreignKey.refTable}`;
      const h = op.foreignKey.notValid
        ? at("SHARE ROW EXCLUSIVE")
        : at("SHARE ROW EXCLUSIVE", "scans table", "may fail on existing rows");
      return referenced === table
        ? h
        : { ...h, others: [{ table: referenced, lock: h.lock, hazards: [], why: `referenced by ${table}` }] };
    }
    case "add_check":
      return op.check.notValid
        ? at("ACCESS EXCLUSIVE")
        : at("ACCESS EXCLUSIVE", "scans table", "may fail on existing rows");
    case "validate_constraint":
      return at("SHARE UPDATE EXCLUSIVE", "scans table", "may fail on existing rows");
    case "alter_constraint":
      // Catalog rows only (the constraint and its triggers): no scan, and the referenced table is not locked.
      return at("ACCESS EXCLUSIVE");
    case "set_not_null":
      return at("ACCESS EXCLUSIVE");
    case "drop_primary_key":
    case "drop_unique":
    case "drop_foreign_key":
    case "drop_check":
      return at("ACCESS EXCLUSIVE");
    case "create_index":
      return op.index.concurrently
        ? at(
          "SHARE UPDATE EXCLUSIVE",
          "builds index",
          ...(op.index.unique ? ["may fail on existing rows" as const] : []),
        )
        : at("SHARE", "builds index", ...(op.index.unique ? ["may fail on existing rows" as const] : []));
    case "drop_index":
      return at(op.concurrently ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE");
    case "alter_table":
      return op.changes.unlogged || op.changes.replicaIdentity || op.changes.rowLevelSecurity ||
          op.changes.forceRowLevelSecurity
        ? at("ACCESS EXCLUSIVE", ...(op.changes.unlogged ? ["rewrites table" as const] : []))
        : at("SHARE UPDATE EXCLUSIVE");
    case "set_table_comment":
      return at("SHARE UPDATE EXCLUSIVE");
    case "detach_partition":
      return { ...at("ACCESS EXCLUSIVE"), others: partitionLocks(op, defaults) };
    case "attach_partition": {
      // Its rows are checked against the bound, unless a validated check proves it.
      const checked = op.check
        ? at("ACCESS EXCLUSIVE")
        : at("ACCESS EXCLUSIVE", "scans table", "may fail on existing rows");
      return { ...checked, others: partitionLocks(op, defaults) };
    }
    // Types lock no table: a type is changed or rebuilt only while no column stores it.
    case "create_composite_type":
    case "drop_composite_type":
    case "alter_composite_type":
    case "recreate_composite_type":
    case "create_range_type":
    case "drop_range_type":
    case "recreate_range_type":
      return quiet("none");
    // A view's lock is its own; its readers wait only while it is replaced.
    case "create_object":
    case "drop_object":
      return quiet("none");
    case "alter_object":
      // An ALTER DOMAIN checking stored values holds SHARE on each table with a column of it while it scans.
      if (op.columns) {
        const tables = [...new Set(op.columns.map((c) => `${c.schema}.${c.table}`))];
        return { tables, lock: "SHARE", hazards: ["scans table", "may fail on existing rows"] };
      }
      return op.from.kind === "sequence" && op.to.kind === "sequence" &&
          flipsDirection(op.from.options, op.to.options)
        ? { lock: "none", hazards: ["restarts sequence"] }
        : quiet("none");
    case "sql":
      // Opaque: renderPlan says so instead of guessing.
      return quiet("none");
  }
}

/**
 * Each operation's hazards, in the order the plan runs them. A primary key
 * added while one of its columns is still nullable (set NOT NULL later in the
 * plan) makes PostgreSQL set NOT NULL itself, scanning under its lock.
 */
export function planHazards(
  ops: readonly Operation[],
  defaults: ReadonlyMap<string, string> = new Map(),
): OperationHazards[] {
  const column = (schema: string, table: string, name: string) => `${schema}\u0000${table}\u0000${name}`;
  const madeNotNullAt = new Map<string, number>();
  ops.forEach((op, i) => {
    if (op.kind === "set_not_null" || (op.kind === "alter_column" && op.changes.notNull?.to === true)) {
      madeNotNullAt.set(column(op.schema, op.table, op.column), i);
    }
  });
  // A DEFAULT partition created by the plan is empty when it is scanned.
  const created = defaults.size === 0
    ? new Set<string>()
    : new Set(ops.flatMap((op) => (op.kind === "create_table" ? [`${op.schema}.${op.table}`] : [])));
  const kept = new Map([...defaults].filter(([, rest]) => !created.has(rest)));
  const detached = new Set<string>();
  for (const op of ops) if (op.kind === "detach_partition") detached.add(`${op.schema}.${op.table}`);
  return ops.map((op, i) => {
    // Attached again after its DETACH in the same transaction: the parent stays locked as the DETACH took it.
    const rebound = op.kind === "attach_partition" && detached.has(`${op.schema}.${op.table}`);
    const h = hazardsOf(rebound ? { ...op, detachFrom: op.detachFrom ?? op.partitionOf } : op, kept);
    if (op.kind !== "add_primary_key") return h;
    const nullable = op.primaryKey.columns.some((c) => (madeNotNullAt.get(column(op.schema, op.table, c)) ?? -1) > i);
    if (!nullable) return h;
    const added: Hazard[] = ["scans table", "may fail on existing rows"];
    return { ...h, hazards: [...h.hazards, ...added.filter((x) => !h.hazards.includes(x))] };
  });
}

/**
 * The lock an operation holds while it does costly work (scan, rewrite,
 * index build), `none` when it does none: what `--max-lock` limits.
 */
export function heldLock(h: OperationHazards): Lock {
  const others = h.others ?? [];
  const costly = [h.hazards, ...others.map((o) => o.hazards)].flat()
    .some((x) => x === "rewrites table" || x === "scans table" || x === "builds index");
  if (!costly) return "none";
  // Every lock the statement takes is held while any part of it works.
  return [h.lock, ...others.map((o) => o.lock)].reduce((a, b) => (LOCKS.indexOf(b) > LOCKS.indexOf(a) ? b : a));
}

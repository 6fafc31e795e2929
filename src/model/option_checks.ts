/**
 * Index, constraint and column options PostgreSQL refuses only when the
 * statement runs: what each built-in index access method supports (its
 * `amcanunique`, `amcaninclude`, `amcanmulticol`, `amcanorder` and storage
 * parameters in PostgreSQL 15), NO INHERIT on a partitioned table, the index
 * a replica identity names, and storage on a type that can only be stored
 * plain. What needs the catalog (operator classes, other types' storage) is
 * checked at plan, in option_blockers.ts.
 */
import { ConfigIssue } from "./checks.ts";
import type { Index, Table } from "./types.ts";

type Parameter =
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  | { readonly kind: "boolean" }
  | { readonly kind: "enum"; readonly values: readonly string[] };

interface Method {
  readonly unique: boolean;
  readonly include: boolean;
  readonly multicolumn: boolean;
  /** ASC/DESC and NULLS FIRST/LAST. */
  readonly order: boolean;
  readonly parameters: Readonly<Record<string, Parameter>>;
}

const fillfactor: Parameter = { kind: "integer", min: 10, max: 100 };
const bool: Parameter = { kind: "boolean" };

/** The built-in access methods; one an extension adds is left to PostgreSQL. */
const METHODS: Readonly<Record<string, Method>> = {
  btree: {
    unique: true,
    include: true,
    multicolumn: true,
    order: true,
    parameters: { fillfactor, deduplicate_items: bool },
  },
  hash: { unique: false, include: false, multicolumn: false, order: false, parameters: { fillfactor } },
  gist: {
    unique: false,
    include: true,
    multicolumn: true,
    order: false,
    parameters: { fillfactor, buffering: { kind: "enum", values: ["auto", "on", "off"] } },
  },
  spgist: { unique: false, include: true, multicolumn: false, order: false, parameters: { fillfactor } },
  gin: {
    unique: false,
    include: false,
    multicolumn: true,
    order: false,
    parameters: { fastupdate: bool, gin_pending_list_limit: { kind: "integer", min: 64, max: 2147483647 / 1024 } },
  },
  brin: {
    unique: false,
    include: false,
    multicolumn: true,
    order: false,
    parameters: { pages_per_range: { kind: "integer", min: 1, max: 131072 }, autosummarize: bool },
  },
};

/** The types `format_type` names whose storage is always PLAIN (`typstorage = 'p'`): fixed length, mostly. */
export const PLAIN_ONLY_TYPES: ReadonlySet<string> = new Set([
  '"char"',
  "bigint",
  "boolean",
  "box",
  "circle",
  "date",
  "double precision",
  "integer",
  "interval",
  "line",
  "lseg",
  "macaddr",
  "macaddr8",
  "money",
  "name",
  "oid",
  "pg_lsn",
  "point",
  "real",
  "regclass",
  "regtype",
  "smallint",
  "time with time zone",
  "time without time zone",
  "timestamp with time zone",
  "timestamp without time zone",
  "tsquery",
  "uuid",
  "xid8",
]);

/** `on`: `table public.t` or `materialized view public.v`, for the message. */
export function checkIndexOptions(index: Index, on: string, path: string): void {
  const method = METHODS[index.method];
  if (!method) return;
  const refuse = (what: string, fix: string) => {
    throw new ConfigIssue(
      path,
      `index ${index.name} on ${on} ${what}, which access method "${index.method}" does not support, so ` +
        `PostgreSQL would refuse the CREATE INDEX; ${fix}`,
    );
  };
  if (index.unique && !method.unique) refuse("is unique", 'drop unique, or use "btree"');
  if (index.include.length > 0 && !method.include) {
    refuse(`has include (${index.include.join(", ")})`, 'drop include, or use "btree", "gist" or "spgist"');
  }
  if (index.keys.length > 1 && !method.multicolumn) {
    refuse(`has ${index.keys.length} keys`, "make one index per key, or use another method");
  }
  if (!method.order && index.keys.some((k) => k.descending || k.nulls)) {
    refuse("orders a key (order or nulls)", 'drop the order and nulls of its keys, or use "btree"');
  }
  for (const [name, value] of Object.entries(index.with ?? {})) {
    const parameter = method.parameters[name];
    const accepted = Object.keys(method.parameters).join(", ");
    if (!parameter) refuse(`has storage parameter ${name}`, `"${index.method}" accepts ${accepted}`);
    else if (!acceptedValue(parameter, value)) {
      refuse(`sets ${name} to "${value}"`, `give ${name} ${expected(parameter)}`);
    }
  }
}

/** `enums`: the enum types' names as columns spell them (an enum is stored plain). */
export function checkTableOptions(table: Table, path: string, enums: ReadonlySet<string>): void {
  const on = `table ${table.schema}.${table.name}`;
  if (table.partitionBy) {
    const check = table.checks.find((c) => c.noInherit);
    if (check) {
      throw new ConfigIssue(
        `${path}.constraints`,
        `check ${check.name} on ${on} is noInherit, but ${on} is partitioned and PostgreSQL refuses a NO INHERIT ` +
          "constraint there (a partitioned table holds no rows of its own); drop noInherit",
      );
    }
  }
  for (const column of table.columns) {
    if (!column.storage || column.storage === "plain") continue;
    if (!PLAIN_ONLY_TYPES.has(column.type) && !enums.has(column.type)) continue;
    throw new ConfigIssue(
      `${path}.columns.${column.name}.storage`,
      `column ${column.name} of ${on} has storage "${column.storage}", but its type ${column.type} is fixed-length ` +
        'and PostgreSQL stores it only "plain"; drop storage',
    );
  }
  const identity = table.replicaIdentity;
  // A partition's columns and indexes are mostly its parent's, which the model does not repeat.
  if (typeof identity === "object" && !table.partitionOf) {
    checkReplicaIdentity(table, identity.index, `${path}.replicaIdentity`, on);
  }
}

/** PostgreSQL takes as replica identity a unique, immediate, non-partial index on NOT NULL columns only. */
function checkReplicaIdentity(table: Table, name: string, path: string, on: string): void {
  const refuse = (why: string) => {
    throw new ConfigIssue(
      path,
      `replicaIdentity of ${on} names index "${name}", ${why}, so PostgreSQL would refuse REPLICA IDENTITY USING ` +
        "INDEX; name a unique, non-deferrable index without a where predicate or expressions whose columns are all " +
        "notNull, or use the primary key (the default)",
    );
  };
  const index = table.indexes.find((i) => i.name === name);
  const constraint = table.primaryKey?.name === name ? table.primaryKey : table.uniques.find((u) => u.name === name);
  if (!index && !constraint) refuse(`which is not an index of ${on} in the config`);
  if (index && !index.unique) refuse("which is not unique");
  if (index?.where !== undefined) refuse("which is partial (has a where predicate)");
  if (index?.keys.some((k) => k.expression)) refuse("which indexes an expression");
  if (constraint?.deferrable) refuse("which is deferrable");
  const columns = index ? index.keys.map((k) => k.column) : constraint!.columns;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const nullable = columns.filter((c) => !byName.get(c)?.notNull);
  if (nullable.length > 0) refuse(`whose column ${nullable.join(", ")} may be NULL`);
}

function acceptedValue(parameter: Parameter, value: string): boolean {
  switch (parameter.kind) {
    case "integer": {
      const n = Number(value.trim());
      return value.trim() !== "" && Number.isFinite(n) && n >= parameter.min && n <= parameter.max;
    }
    case "boolean":
      // PostgreSQL's parse_bool: the words, or an unambiguous prefix of them.
      return /^(t(r(ue?)?)?|f(a(l(se?)?)?)?|y(es?)?|no?|on|off?|1|0)$/i.test(value.trim());
    case "enum":
      return parameter.values.includes(value.trim().toLowerCase());
  }
}

function expected(parameter: Parameter): string {
  switch (parameter.kind) {
    case "integer":
      return `an integer from ${parameter.min} to ${parameter.max}`;
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${parameter.values.join(", ")}`;
  }
}

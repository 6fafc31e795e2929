/**
 * Tables: created, dropped, renamed by hint, or compared column by column
 * and constraint by constraint.
 */
import { mentionsColumn } from "../model/normalize.ts";
import type { Index, ReplicaIdentity, Table } from "../model/types.ts";
import { renameDerivedNames, type TakenNames, takenNames } from "./derived_names.ts";
import { diffColumns } from "./columns.ts";
import { alterDeferrability, rebuildDependentForeignKeys } from "./foreign_keys.ts";
import {
  checkSignature,
  diffNamed,
  foreignKeySignature,
  indexSignature,
  parametersSignature,
  sameList,
  uniqueSignature,
} from "./named.ts";
import type { Operation, TableChanges } from "./operations.ts";
import { diffPartitionOf, followParentRenames } from "./partitions.ts";
import { followReferencedRenames, plannedRenames } from "./renames.ts";
import { sameTable } from "./same.ts";

export interface TableContext {
  readonly rebuilt: ReadonlySet<string>;
  readonly enums: ReadonlySet<string>;
  /** Generated columns (`schema.table.column`) calling a routine the plan drops: rebuilt like a new expression. */
  readonly regenerated?: ReadonlySet<string>;
  /** Sequences, views and materialized views of both sides: names a renamed column sequence must not take. */
  readonly relations?: readonly { readonly schema: string; readonly name: string }[];
}

/**
 * `types.rebuilt`: enum types this change rebuilds; checks and index
 * expressions on columns of those types are rebuilt with them, since their
 * stored constants are of the old type. `types.enums`: every enum type, old
 * and new (a change between two of them goes through text).
 */
export function diffTables(
  actual: readonly Table[],
  desired: readonly Table[],
  types: TableContext = { rebuilt: new Set(), enums: new Set() },
): Operation[] {
  const ops: Operation[] = [];
  // Foreign keys name what they reference as it will be named: PostgreSQL follows renames.
  const followed = followReferencedRenames(actual, plannedRenames(actual, desired));
  const current = new TableMap(followParentRenames(followed, desired));
  // A table identical to its desired self has no changes, unless the plan rebuilds types or routines under it.
  const plain = types.rebuilt.size === 0 && (types.regenerated?.size ?? 0) === 0;
  let taken: TakenNames | undefined;
  const names = () => taken ??= takenNames(actual, desired, types.relations);
  for (const table of desired) {
    let existing = current.take(table.schema, table.name);
    if (existing) ops.push(...renameDerivedNames(existing, table, names));
    if (!existing && table.renamedFrom) {
      const old = current.take(table.schema, table.renamedFrom);
      if (old) {
        ops.push({ kind: "rename_table", schema: table.schema, from: old.name, to: table.name });
        ops.push(...renameDerivedNames(old, table, names));
        existing = { ...old, name: table.name };
      }
    }
    if (existing) {
      if (!plain || !sameTable(existing, table)) ops.push(...diffTable(existing, table, types));
    } else ops.push(...createTable(table));
  }
  for (const table of current.rest()) {
    for (const foreignKey of table.foreignKeys) {
      ops.push({ kind: "drop_foreign_key", schema: table.schema, table: table.name, foreignKey });
    }
    ops.push({
      kind: "drop_table",
      schema: table.schema,
      table: table.name,
      columns: table.columns.map((c) => c.name),
      ...(table.partitionOf ? { partitionOf: table.partitionOf } : {}),
    });
  }
  return rebuildDependentForeignKeys(ops, followed);
}

/** Tables by schema, then by name: no key string is built per table of a large schema. */
class TableMap {
  private readonly bySchema = new Map<string, Map<string, Table>>();

  constructor(tables: readonly Table[]) {
    for (const table of tables) {
      let named = this.bySchema.get(table.schema);
      if (!named) this.bySchema.set(table.schema, named = new Map());
      named.set(table.name, table);
    }
  }

  /** The table, removed from the map. */
  take(schema: string, name: string): Table | undefined {
    const named = this.bySchema.get(schema);
    const table = named?.get(name);
    if (table) named!.delete(name);
    return table;
  }

  /** The tables never taken. */
  *rest(): Iterable<Table> {
    for (const named of this.bySchema.values()) yield* named.values();
  }
}

export function createTable(table: Table): Operation[] {
  const on = { schema: table.schema, table: table.name };
  return [
    {
      kind: "create_table",
      ...on,
      // A partition's columns are its parent's.
      columns: table.partitionOf ? [] : table.columns.map(({ renamedFrom: _r, using: _u, ...column }) => column),
      ...(table.primaryKey ? { primaryKey: table.primaryKey } : {}),
      ...(table.comment !== undefined ? { comment: table.comment } : {}),
      ...(table.with ? { with: table.with } : {}),
      ...(table.unlogged ? { unlogged: true } : {}),
      ...(table.partitionBy ? { partitionBy: table.partitionBy } : {}),
      ...(table.partitionOf ? { partitionOf: table.partitionOf } : {}),
    },
    ...table.uniques.map((unique): Operation => ({ kind: "add_unique", ...on, unique })),
    ...table.checks.map((check): Operation => ({ kind: "add_check", ...on, check })),
    ...table.indexes.map((index): Operation => ({ kind: "create_index", ...on, index })),
    ...table.foreignKeys.map((foreignKey): Operation => ({ kind: "add_foreign_key", ...on, foreignKey })),
    // A replica identity index exists only once the indexes are built.
    ...(table.replicaIdentity || table.rowLevelSecurity || table.forceRowLevelSecurity
      ? [
        {
          kind: "alter_table",
          ...on,
          changes: {
            ...(table.replicaIdentity ? { replicaIdentity: { to: table.replicaIdentity } } : {}),
            ...rowSecurityChanges({}, table),
          },
        } as const,
      ]
      : []),
  ];
}

const mentionsAny = (text: string, columns: ReadonlySet<string>) => [...columns].some((c) => mentionsColumn(text, c));

/** Whether an index's expressions or predicate use any of `columns`. */
function expressionsUse(index: Index, columns: ReadonlySet<string>): boolean {
  return index.keys.some((k) => k.expression && mentionsAny(k.column, columns)) ||
    (index.where !== undefined && mentionsAny(index.where, columns));
}

/** Whether an index uses any of `columns`: as a key, in an expression, INCLUDE or predicate. */
function indexUses(index: Index, columns: ReadonlySet<string>): boolean {
  return index.keys.some((k) => !k.expression && columns.has(k.column)) ||
    index.include.some((c) => columns.has(c)) || expressionsUse(index, columns);
}

function diffTable(actual: Table, desired: Table, types: TableContext): Operation[] {
  const on = { schema: desired.schema, table: desired.name };
  // A partition's columns are its parent's, changed through the parent.
  const { ops, renamed, rebuilt } = desired.partitionOf
    ? { ops: [], renamed: new Map<string, string>(), rebuilt: new Set<string>() }
    : diffColumns(
      actual,
      desired,
      types.enums,
      (column) => types.regenerated?.has(`${actual.schema}.${actual.name}.${column}`) ?? false,
    );
  const retyped = new Set(
    actual.columns.filter((c) => types.rebuilt.has(c.type.replace(/\[\]$/, ""))).map((c) =>
      renamed.get(c.name) ?? c.name
    ),
  );
  const expressionColumns = new Set([...rebuilt, ...retyped]);

  // Constraints are compared after column renames, in the desired names.
  const rename = (columns: readonly string[]) => columns.map((c) => renamed.get(c) ?? c);
  const usesRebuilt = (columns: readonly string[]) => columns.some((c) => rebuilt.has(c));
  const pkBefore = actual.primaryKey && { ...actual.primaryKey, columns: rename(actual.primaryKey.columns) };
  // Copied only when columns were renamed: this runs for every table of the schema.
  const before = renamed.size === 0 ? actual : {
    uniques: actual.uniques.map((u) => ({ ...u, columns: rename(u.columns) })),
    foreignKeys: actual.foreignKeys.map((f) => ({ ...f, columns: rename(f.columns) })),
    checks: actual.checks,
    indexes: actual.indexes.map((i) => ({
      ...i,
      keys: i.keys.map((k) => (k.expression ? k : { ...k, column: renamed.get(k.column) ?? k.column })),
      include: rename(i.include),
    })),
  };
  // What uses a rebuilt column goes with it, and expressions on a column
  // whose enum type is rebuilt hold constants of the old type: drop them
  // explicitly first (so the planner orders them and foreign keys elsewhere
  // follow), then add them back.
  const kept = {
    uniques: before.uniques.filter((u) => !usesRebuilt(u.columns)),
    foreignKeys: before.foreignKeys.filter((f) => !usesRebuilt(f.columns)),
    checks: before.checks.filter((c) => !mentionsAny(c.expression, expressionColumns)),
    indexes: before.indexes.filter((i) => !indexUses(i, rebuilt) && !expressionsUse(i, retyped)),
  };
  const keptSet = new Set<object>(Object.values(kept).flat());
  for (const unique of before.uniques) if (!keptSet.has(unique)) ops.push({ kind: "drop_unique", ...on, unique });
  for (const foreignKey of before.foreignKeys) {
    if (!keptSet.has(foreignKey)) ops.push({ kind: "drop_foreign_key", ...on, foreignKey });
  }
  for (const check of before.checks) if (!keptSet.has(check)) ops.push({ kind: "drop_check", ...on, check });
  for (const index of before.indexes) if (!keptSet.has(index)) ops.push({ kind: "drop_index", ...on, index });

  const pkAfter = desired.primaryKey;
  if (
    pkBefore && pkAfter && sameList(pkBefore.columns, pkAfter.columns) && !usesRebuilt(pkBefore.columns) &&
    pkBefore.deferrable === pkAfter.deferrable
  ) {
    if (pkBefore.name !== pkAfter.name) {
      ops.push({ kind: "rename_constraint", ...on, from: pkBefore.name, to: pkAfter.name });
    }
  } else {
    if (pkBefore) ops.push({ kind: "drop_primary_key", ...on, primaryKey: pkBefore });
    if (pkAfter) ops.push({ kind: "add_primary_key", ...on, primaryKey: pkAfter });
  }

  const deferrability = alterDeferrability(on, kept.foreignKeys, desired.foreignKeys);
  const foreignKeys = deferrability.actual;
  ops.push(
    ...diffNamed(kept.uniques, desired.uniques, uniqueSignature, {
      add: (unique) => ({ kind: "add_unique", ...on, unique }),
      drop: (unique) => ({ kind: "drop_unique", ...on, unique }),
      rename: (from, to) => ({ kind: "rename_constraint", ...on, from, to }),
    }),
    ...deferrability.ops,
    ...diffNamed(foreignKeys, desired.foreignKeys, foreignKeySignature, {
      add: (foreignKey) => ({ kind: "add_foreign_key", ...on, foreignKey }),
      drop: (foreignKey) => ({ kind: "drop_foreign_key", ...on, foreignKey }),
      rename: (from, to) => ({ kind: "rename_constraint", ...on, from, to }),
    }),
    ...diffNamed(kept.checks, desired.checks, checkSignature, {
      add: (check) => ({ kind: "add_check", ...on, check }),
      drop: (check) => ({ kind: "drop_check", ...on, check }),
      rename: (from, to) => ({ kind: "rename_constraint", ...on, from, to }),
    }),
    ...diffNamed(kept.indexes, desired.indexes, indexSignature, {
      add: (index) => ({ kind: "create_index", ...on, index }),
      drop: (index) => ({ kind: "drop_index", ...on, index }),
      rename: (from, to) => ({ kind: "rename_index", ...on, from, to }),
    }),
  );
  ops.push(...validations(on, foreignKeys, desired.foreignKeys, foreignKeySignature));
  ops.push(...validations(on, kept.checks, desired.checks, checkSignature));
  const droppedIndexes = new Set(ops.flatMap((op) => (op.kind === "drop_index" ? [op.index.name] : [])));
  const changes = tableChanges(actual, desired, droppedIndexes);
  if (changes) ops.push({ kind: "alter_table", ...on, changes });
  if ((actual.comment ?? "") !== (desired.comment ?? "")) {
    ops.push({
      kind: "set_table_comment",
      ...on,
      ...(desired.comment ? { comment: desired.comment } : {}),
    });
  }
  ops.push(...diffPartitionOf(actual, desired));
  return ops;
}

/** NOT VALID constraints the config wants valid (same name, same definition) are validated in place. */
function validations<T extends { name: string; notValid?: boolean }>(
  on: { schema: string; table: string },
  actual: readonly T[],
  desired: readonly T[],
  signature: (item: T) => string,
): Operation[] {
  const current = new Map(actual.map((item) => [item.name, item]));
  return desired.flatMap((item): Operation[] => {
    const existing = current.get(item.name);
    return existing?.notValid && !item.notValid && signature(existing) === signature(item)
      ? [{ kind: "validate_constraint", ...on, name: item.name }]
      : [];
  });
}

/** The table's own attributes that differ; a replica identity on a rebuilt index is set again. */
function tableChanges(actual: Table, desired: Table, droppedIndexes: ReadonlySet<string>): TableChanges | undefined {
  const changes: { -readonly [K in keyof TableChanges]: TableChanges[K] } = {};
  if (parametersSignature(actual.with) !== parametersSignature(desired.with)) {
    changes.with = { ...(actual.with ? { from: actual.with } : {}), ...(desired.with ? { to: desired.with } : {}) };
  }
  if ((actual.unlogged ?? false) !== (desired.unlogged ?? false)) {
    changes.unlogged = { from: actual.unlogged ?? false, to: desired.unlogged ?? false };
  }
  const identity = (r: ReplicaIdentity | undefined) => JSON.stringify(r ?? null);
  const onRebuilt = typeof desired.replicaIdentity === "object" && droppedIndexes.has(desired.replicaIdentity.index);
  if (identity(actual.replicaIdentity) !== identity(desired.replicaIdentity) || onRebuilt) {
    changes.replicaIdentity = {
      ...(actual.replicaIdentity ? { from: actual.replicaIdentity } : {}),
      ...(desired.replicaIdentity ? { to: desired.replicaIdentity } : {}),
    };
  }
  Object.assign(changes, rowSecurityChanges(actual, desired));
  return Object.keys(changes).length > 0 ? changes : undefined;
}

/** Row-level security switched on or off, forced or not. */
function rowSecurityChanges(
  actual: Pick<Table, "rowLevelSecurity" | "forceRowLevelSecurity">,
  desired: Pick<Table, "rowLevelSecurity" | "forceRowLevelSecurity">,
): Pick<TableChanges, "rowLevelSecurity" | "forceRowLevelSecurity"> {
  const flag = (from = false, to = false) => (from !== to ? { from, to } : undefined);
  const enabled = flag(actual.rowLevelSecurity, desired.rowLevelSecurity);
  const forced = flag(actual.forceRowLevelSecurity, desired.forceRowLevelSecurity);
  return {
    ...(enabled ? { rowLevelSecurity: enabled } : {}),
    ...(forced ? { forceRowLevelSecurity: forced } : {}),
  };
}

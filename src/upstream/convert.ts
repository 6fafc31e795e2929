/**
 * Upstream operations → kyrage operations, reproducing what upstream ran for
 * a file (its reconciler): operations on a table the file drops are skipped,
 * a `drop_index` that goes with a dropped constraint of the same name is
 * skipped, primary keys of a created table are created with it, and a
 * file's operations run in upstream's priority order, not as listed. Definitions
 * a drop needs (its columns) come from the files before it.
 */
import { destructiveChanges } from "../diff/destructive.ts";
import type { Operation } from "../diff/operations.ts";
import { orderOperations } from "../diff/order.ts";
import { KyrageError } from "../errors.ts";
import { FORMAT_VERSION, type MigrationFile } from "../migrations/file.ts";
import { normalizeType } from "../model/normalize.ts";
import type { Column, ForeignKey, Index, PrimaryKey, UniqueConstraint } from "../model/types.ts";
import type { UpstreamFile } from "./files.ts";
import { kyrageIdOf, type UpstreamAttributes, type UpstreamOperation } from "./format.ts";

/** Upstream has no schemas: everything resolves through search_path, i.e. public. */
const SCHEMA = "public";

/** The order upstream's reconciler runs a file's operations in, whatever order the file lists them. */
export const UPSTREAM_PRIORITY: Record<UpstreamOperation["type"], number> = {
  drop_foreign_key_constraint: 0,
  drop_unique_constraint: 1,
  drop_primary_key_constraint: 2,
  drop_index: 3,
  drop_column: 4,
  drop_table: 5,
  create_table_with_constraints: 6,
  create_table: 7,
  add_column: 8,
  alter_column: 9,
  create_index: 10,
  create_primary_key_constraint: 11,
  create_unique_constraint: 12,
  create_foreign_key_constraint: 13,
};

interface TableState {
  columns: Map<string, Column>;
  primaryKey?: PrimaryKey;
  uniques: Map<string, UniqueConstraint>;
  foreignKeys: Map<string, ForeignKey>;
  indexes: Map<string, Index>;
}

/**
 * Convert upstream's files, in id order, to kyrage migration files;
 * `applied` holds the ids of those upstream applied on the database, and
 * `baseline` the operations of the baseline (baseline.ts) that creates the
 * tables upstream found: applied files' operations on those are left out,
 * as the baseline holds them as they are now.
 */
export function convertUpstream(
  files: readonly UpstreamFile[],
  applied: ReadonlySet<string>,
  baseline: readonly Operation[] = [],
): MigrationFile[] {
  const state = stateOf(baseline);
  const found = new Set(state.keys());
  return [...files].sort((a, b) => Number(a.migration.id) - Number(b.migration.id)).map((file) => {
    const m = file.migration;
    const operations = orderOperations(convertFile(file, state, applied.has(m.id), found));
    return {
      format: FORMAT_VERSION,
      id: kyrageIdOf(m.id),
      createdAt: new Date(Number(m.id)).toISOString(),
      // Upstream had no destructive gate; what its files drop was already decided.
      allowDestructive: destructiveChanges(operations).length > 0,
      operations,
    };
  });
}

function convertFile(
  { path, migration }: UpstreamFile,
  state: Map<string, TableState>,
  applied: boolean,
  found: ReadonlySet<string>,
): Operation[] {
  const ops = migration.diff.operations.filter((op) => !(applied && found.has(op.table)));
  const dropped = new Set(ops.filter((op) => op.type === "drop_table").map((op) => op.table));
  const droppedConstraints = new Set(
    ops.filter((op) => op.type === "drop_unique_constraint" || op.type === "drop_primary_key_constraint")
      .map((op) => `${op.table}.${(op as { name: string }).name}`),
  );
  const created = new Set(ops.filter((op) => op.type === "create_table").map((op) => op.table));
  const kept = ops.filter((op) =>
    (op.type === "drop_table" || !dropped.has(op.table)) &&
    !(op.type === "drop_index" && droppedConstraints.has(`${op.table}.${op.name}`))
  ).sort((a, b) => UPSTREAM_PRIORITY[a.type] - UPSTREAM_PRIORITY[b.type]); // stable: ties keep file order
  const out: Operation[] = [];
  // An applied file may drop what no upstream file created (made by hand, or before upstream): the database no
  // longer has it and a replay from empty never had it, so there is nothing to run. Unapplied, kyrage must run it.
  const madeOutside = (op: UpstreamOperation, has: (table: TableState) => boolean) => {
    const table = state.get(op.table);
    return applied && !(table && has(table));
  };
  // The user fixes a file, so every refusal names it.
  const at = (op: UpstreamOperation) =>
    `${path} (upstream migration ${migration.id}): ${op.type} on table "${op.table}"`;
  const tableOf = (op: UpstreamOperation): TableState => {
    const table = state.get(op.table);
    if (!table) {
      throw new KyrageError(
        `${at(op)}: no earlier upstream migration creates that table, and the database lacks it, so kyrage ` +
          "cannot tell what it held. Run `kyrage import-upstream` on a database upstream migrated (it records the " +
          "tables upstream found there), or move upstream's files out of the migrations directory and adopt the " +
          "database as it is with `kyrage pull --baseline`. Nothing was imported.",
      );
    }
    return table;
  };
  for (const op of kept) {
    const onTable = { schema: SCHEMA, table: op.table };
    switch (op.type) {
      case "create_table":
      case "create_table_with_constraints": {
        const columns = Object.entries(op.columns).map(([name, attrs]) => columnOf(name, attrs));
        const table: TableState = {
          columns: new Map(columns.map((c) => [c.name, c])),
          uniques: new Map(),
          foreignKeys: new Map(),
          indexes: new Map(),
        };
        state.set(op.table, table);
        const constraints = op.type === "create_table_with_constraints" ? op.constraints : undefined;
        const pk = constraints?.primaryKey ??
          kept.findLast((k) => k.type === "create_primary_key_constraint" && k.table === op.table) as
            | { name: string; columns: string[] }
            | undefined;
        if (pk) table.primaryKey = { name: pk.name, columns: pk.columns };
        out.push({
          kind: "create_table",
          ...onTable,
          columns: columns.map((c) => (table.primaryKey?.columns.includes(c.name) ? { ...c, notNull: true } : c)),
          ...(table.primaryKey ? { primaryKey: table.primaryKey } : {}),
        });
        for (const u of constraints?.unique ?? []) out.push(addUnique(table, onTable, u.name, u.columns));
        for (const fk of constraints?.foreignKeys ?? []) out.push(addForeignKey(table, onTable, fk));
        break;
      }
      case "drop_table": {
        if (madeOutside(op, () => true)) break;
        const table = state.get(op.table);
        state.delete(op.table);
        out.push({ kind: "drop_table", ...onTable, columns: table ? [...table.columns.keys()] : [] });
        break;
      }
      case "add_column": {
        const column = columnOf(op.column, op.attributes);
        tableOf(op).columns.set(column.name, column);
        out.push({ kind: "add_column", ...onTable, column });
        break;
      }
      case "drop_column": {
        if (madeOutside(op, (t) => t.columns.has(op.column))) break;
        const table = tableOf(op);
        const column = table.columns.get(op.column) ??
          columnOf(op.column, op.attributes ?? { type: "text" });
        table.columns.delete(op.column);
        out.push({ kind: "drop_column", ...onTable, column });
        break;
      }
      case "alter_column": {
        const table = tableOf(op);
        const before = columnOf(op.column, op.before);
        const after = columnOf(op.column, op.after);
        // Upstream acts on the type and NOT NULL only, never on the default.
        const changes = {
          ...(before.type !== after.type ? { type: { from: before.type, to: after.type } } : {}),
          ...(before.notNull !== after.notNull ? { notNull: { from: before.notNull, to: after.notNull } } : {}),
        };
        const current = table.columns.get(op.column) ?? before;
        table.columns.set(op.column, { ...current, type: after.type, notNull: after.notNull });
        if (Object.keys(changes).length > 0) out.push({ kind: "alter_column", ...onTable, column: op.column, changes });
        break;
      }
      case "create_index": {
        const index: Index = {
          name: op.name,
          keys: op.columns.map((column) => ({ column })),
          unique: op.unique ?? false,
          method: "btree",
          include: [],
        };
        tableOf(op).indexes.set(op.name, index);
        out.push({ kind: "create_index", ...onTable, index });
        break;
      }
      case "drop_index": {
        if (madeOutside(op, (t) => t.indexes.has(op.name))) break;
        const table = tableOf(op);
        const index = table.indexes.get(op.name) ?? unknownDefinition(at(op), op);
        table.indexes.delete(op.name);
        out.push({ kind: "drop_index", ...onTable, index });
        break;
      }
      case "create_primary_key_constraint": {
        if (created.has(op.table)) break; // created with its table above
        const table = tableOf(op);
        table.primaryKey = { name: op.name, columns: op.columns };
        out.push({ kind: "add_primary_key", ...onTable, primaryKey: table.primaryKey });
        break;
      }
      case "drop_primary_key_constraint": {
        if (madeOutside(op, (t) => t.primaryKey !== undefined)) break;
        const table = tableOf(op);
        const primaryKey = table.primaryKey ?? unknownDefinition(at(op), op);
        table.primaryKey = undefined;
        out.push({ kind: "drop_primary_key", ...onTable, primaryKey });
        break;
      }
      case "create_unique_constraint":
        out.push(addUnique(tableOf(op), onTable, op.name, op.columns));
        break;
      case "drop_unique_constraint": {
        if (madeOutside(op, (t) => t.uniques.has(op.name))) break;
        const table = tableOf(op);
        const unique = table.uniques.get(op.name) ?? unknownDefinition(at(op), op);
        table.uniques.delete(op.name);
        out.push({ kind: "drop_unique", ...onTable, unique });
        break;
      }
      case "create_foreign_key_constraint":
        out.push(addForeignKey(tableOf(op), onTable, op));
        break;
      case "drop_foreign_key_constraint": {
        if (madeOutside(op, (t) => t.foreignKeys.has(op.name))) break;
        const table = tableOf(op);
        const foreignKey = table.foreignKeys.get(op.name) ?? unknownDefinition(at(op), op);
        table.foreignKeys.delete(op.name);
        out.push({ kind: "drop_foreign_key", ...onTable, foreignKey });
        break;
      }
    }
  }
  return out;
}

/** An upstream column: its type as upstream wrote it, NOT NULL as upstream made it effective. */
function columnOf(name: string, attrs: UpstreamAttributes): Column {
  const { type, serial } = normalizeType(attrs.type);
  return {
    name,
    type,
    notNull: Boolean(attrs.notNull || attrs.primaryKey || serial),
    ...(attrs.defaultSql ? { default: attrs.defaultSql.trim() } : {}),
    ...(serial ? { serial } : {}),
  };
}

function addUnique(table: TableState, onTable: { schema: string; table: string }, name: string, columns: string[]) {
  const unique = { name, columns };
  table.uniques.set(name, unique);
  return { kind: "add_unique" as const, ...onTable, unique };
}

function addForeignKey(
  table: TableState,
  onTable: { schema: string; table: string },
  fk: {
    name: string;
    columns: string[];
    referencedTable: string;
    referencedColumns: string[];
    onDelete?: ForeignKey["onDelete"];
    onUpdate?: ForeignKey["onUpdate"];
  },
) {
  const foreignKey: ForeignKey = {
    name: fk.name,
    columns: fk.columns,
    refSchema: SCHEMA,
    refTable: fk.referencedTable,
    refColumns: fk.referencedColumns,
    onDelete: fk.onDelete ?? "no action",
    onUpdate: fk.onUpdate ?? "no action",
  };
  table.foreignKeys.set(fk.name, foreignKey);
  return { kind: "add_foreign_key" as const, ...onTable, foreignKey };
}

/** A dropped object no earlier file created: kyrage needs its definition to describe the drop. */
function unknownDefinition(at: string, op: UpstreamOperation & { name: string }): never {
  throw new KyrageError(
    `${at}: no earlier upstream migration creates "${op.name}", so kyrage cannot describe what it drops. If it ` +
      "was made by hand, move upstream's files out of the migrations directory and adopt the database as it is " +
      "with `kyrage pull --baseline`. Nothing was imported.",
  );
}

/**
 * The tables upstream found rather than created: an operation of `files`
 * on a table no earlier file (nor the same one) creates, or an unapplied
 * drop of one (an applied drop left nothing to record).
 */
export function foundTables(files: readonly UpstreamFile[], applied: ReadonlySet<string>): string[] {
  const made = new Set<string>();
  const found = new Set<string>();
  for (const { migration } of [...files].sort((a, b) => Number(a.migration.id) - Number(b.migration.id))) {
    const ops = migration.diff.operations;
    const dropped = new Set(ops.filter((op) => op.type === "drop_table").map((op) => op.table));
    const kept = ops.filter((op) => op.type === "drop_table" || !dropped.has(op.table))
      .sort((a, b) => UPSTREAM_PRIORITY[a.type] - UPSTREAM_PRIORITY[b.type]);
    for (const op of kept) {
      if (op.type === "create_table" || op.type === "create_table_with_constraints") made.add(op.table);
      else if (op.type === "drop_table") {
        if (!made.has(op.table) && !applied.has(migration.id)) found.add(op.table);
        made.delete(op.table);
      } else if (!made.has(op.table)) {
        found.add(op.table);
        made.add(op.table);
      }
    }
  }
  return [...found].sort();
}

/** The tables a baseline's operations create, as the conversion tracks them. */
function stateOf(baseline: readonly Operation[]): Map<string, TableState> {
  const state = new Map<string, TableState>();
  for (const op of baseline) {
    if (op.kind === "create_table") {
      state.set(op.table, {
        columns: new Map(op.columns.map((c) => [c.name, c])),
        ...(op.primaryKey ? { primaryKey: op.primaryKey } : {}),
        uniques: new Map(),
        foreignKeys: new Map(),
        indexes: new Map(),
      });
    }
    const table = "table" in op ? state.get(op.table as string) : undefined;
    if (!table) continue;
    if (op.kind === "create_index") table.indexes.set(op.index.name, op.index);
    if (op.kind === "add_unique") table.uniques.set(op.unique.name, op.unique);
    if (op.kind === "add_foreign_key") table.foreignKeys.set(op.foreignKey.name, op.foreignKey);
  }
  return state;
}

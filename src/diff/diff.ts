/**
 * The differ: actual model + desired model → operations, by set arithmetic
 * over qualified names. No I/O, no SQL. `orderOperations` then puts the
 * result into dependency order.
 */
import type {
  CheckConstraint,
  Column,
  EnumType,
  ForeignKey,
  Index,
  SchemaModel,
  Table,
  UniqueConstraint,
} from "../model/types.ts";
import { qualifiedName } from "../model/types.ts";
import type { ColumnChanges, EnumColumn, Operation } from "./operations.ts";
import { userTypeName } from "../model/from_config.ts";
import { normalizeExpression } from "../model/normalize.ts";
import { orderOperations } from "./order.ts";

export function diffSchemas(actual: SchemaModel, desired: SchemaModel): Operation[] {
  const ops: Operation[] = [];
  const existingSchemas = new Set(actual.schemas);
  for (const schema of desired.schemas) {
    if (!existingSchemas.has(schema)) ops.push({ kind: "create_schema", schema });
  }
  ops.push(...diffEnums(actual.enums, desired.enums, actual.tables));
  ops.push(...diffTables(actual.tables, desired.tables));
  return orderOperations(ops);
}

function diffEnums(actual: readonly EnumType[], desired: readonly EnumType[], tables: readonly Table[]): Operation[] {
  const ops: Operation[] = [];
  const current = new Map(actual.map((e) => [qualifiedName(e.schema, e.name), e]));
  for (const e of desired) {
    const key = qualifiedName(e.schema, e.name);
    const existing = current.get(key);
    current.delete(key);
    if (!existing) {
      ops.push({ kind: "create_enum", schema: e.schema, name: e.name, values: e.values });
      continue;
    }
    const have = new Set(existing.values);
    const kept = e.values.filter((v) => have.has(v));
    const onlyAdds = kept.length === existing.values.length &&
      kept.every((v, i) => v === existing.values[i]);
    if (!onlyAdds) {
      // Removing or reordering labels needs the type rebuilt (destructive
      // when labels go away); the columns using it are converted.
      ops.push({
        kind: "recreate_enum",
        schema: e.schema,
        name: e.name,
        from: existing.values,
        to: e.values,
        columns: columnsOfType(tables, userTypeName(e.schema, e.name)),
      });
      continue;
    }
    e.values.forEach((value, i) => {
      if (have.has(value)) return;
      const before = e.values.slice(i + 1).find((v) => have.has(v));
      ops.push({
        kind: "add_enum_value",
        schema: e.schema,
        name: e.name,
        value,
        ...(before !== undefined ? { before } : {}),
      });
    });
  }
  for (const e of current.values()) {
    ops.push({ kind: "drop_enum", schema: e.schema, name: e.name, values: e.values });
  }
  return ops;
}

function diffTables(actual: readonly Table[], desired: readonly Table[]): Operation[] {
  const ops: Operation[] = [];
  const current = new Map(actual.map((t) => [qualifiedName(t.schema, t.name), t]));
  for (const table of desired) {
    const key = qualifiedName(table.schema, table.name);
    let existing = current.get(key);
    current.delete(key);
    if (!existing && table.renamedFrom) {
      const oldKey = qualifiedName(table.schema, table.renamedFrom);
      const old = current.get(oldKey);
      if (old) {
        current.delete(oldKey);
        ops.push({ kind: "rename_table", schema: table.schema, from: old.name, to: table.name });
        existing = renameTableReferences({ ...old, name: table.name }, old.name);
      }
    }
    if (existing) ops.push(...diffTable(existing, table));
    else ops.push(...createTable(table));
  }
  for (const table of current.values()) {
    for (const foreignKey of table.foreignKeys) {
      ops.push({ kind: "drop_foreign_key", schema: table.schema, table: table.name, foreignKey });
    }
    ops.push({
      kind: "drop_table",
      schema: table.schema,
      table: table.name,
      columns: table.columns.map((c) => c.name),
    });
  }
  return rebuildDependentForeignKeys(ops, actual);
}

/** Columns of the existing tables whose type is `type` or an array of it. */
function columnsOfType(tables: readonly Table[], type: string): EnumColumn[] {
  return tables.flatMap((t) =>
    t.columns.filter((c) => c.type === type || c.type === `${type}[]`).map((c) => ({
      schema: t.schema,
      table: t.name,
      column: c.name,
      array: c.type.endsWith("[]"),
      ...(c.default !== undefined ? { default: c.default } : {}),
    }))
  );
}

/** Self-references of a renamed table follow the new name. */
function renameTableReferences(table: Table, oldName: string): Table {
  return {
    ...table,
    foreignKeys: table.foreignKeys.map((fk) =>
      fk.refSchema === table.schema && fk.refTable === oldName ? { ...fk, refTable: table.name } : fk
    ),
  };
}

function createTable(table: Table): Operation[] {
  const on = { schema: table.schema, table: table.name };
  return [
    {
      kind: "create_table",
      ...on,
      columns: table.columns.map(({ renamedFrom: _r, using: _u, ...column }) => column),
      ...(table.primaryKey ? { primaryKey: table.primaryKey } : {}),
      ...(table.comment !== undefined ? { comment: table.comment } : {}),
    },
    ...table.uniques.map((unique): Operation => ({ kind: "add_unique", ...on, unique })),
    ...table.checks.map((check): Operation => ({ kind: "add_check", ...on, check })),
    ...table.indexes.map((index): Operation => ({ kind: "create_index", ...on, index })),
    ...table.foreignKeys.map((foreignKey): Operation => ({ kind: "add_foreign_key", ...on, foreignKey })),
  ];
}

function diffTable(actual: Table, desired: Table): Operation[] {
  const on = { schema: desired.schema, table: desired.name };
  const ops: Operation[] = [];
  const current = new Map(actual.columns.map((c) => [c.name, c]));
  const renamed = new Map<string, string>();
  for (const column of desired.columns) {
    let existing = current.get(column.name);
    if (!existing && column.renamedFrom && current.has(column.renamedFrom)) {
      existing = current.get(column.renamedFrom)!;
      ops.push({ kind: "rename_column", ...on, from: existing.name, to: column.name });
      renamed.set(existing.name, column.name);
      current.delete(existing.name);
    } else {
      current.delete(column.name);
    }
    const { renamedFrom: _r, using: _u, ...added } = column;
    if (!existing) {
      ops.push({ kind: "add_column", ...on, column: added });
      continue;
    }
    // A generated column's expression cannot be altered in place; its values are derived, so rebuild it.
    if (!sameExpression(existing.generated, column.generated)) {
      ops.push({ kind: "drop_column", ...on, column: existing }, { kind: "add_column", ...on, column: added });
      continue;
    }
    const changes = diffColumn(existing, column);
    if (changes) ops.push({ kind: "alter_column", ...on, column: column.name, changes });
  }
  for (const column of current.values()) ops.push({ kind: "drop_column", ...on, column });

  // Constraints are compared after column renames, in the desired names.
  const rename = (columns: readonly string[]) => columns.map((c) => renamed.get(c) ?? c);
  const before: Table = {
    ...actual,
    ...(actual.primaryKey ? { primaryKey: { ...actual.primaryKey, columns: rename(actual.primaryKey.columns) } } : {}),
    uniques: actual.uniques.map((u) => ({ ...u, columns: rename(u.columns) })),
    foreignKeys: actual.foreignKeys.map((f) => ({ ...f, columns: rename(f.columns) })),
    indexes: actual.indexes.map((i) => ({
      ...i,
      keys: i.keys.map((k) => (k.expression ? k : { ...k, column: renamed.get(k.column) ?? k.column })),
      include: rename(i.include),
    })),
  };

  const pkBefore = before.primaryKey;
  const pkAfter = desired.primaryKey;
  if (pkBefore && pkAfter && sameList(pkBefore.columns, pkAfter.columns)) {
    if (pkBefore.name !== pkAfter.name) {
      ops.push({ kind: "rename_constraint", ...on, from: pkBefore.name, to: pkAfter.name });
    }
  } else {
    if (pkBefore) ops.push({ kind: "drop_primary_key", ...on, primaryKey: pkBefore });
    if (pkAfter) ops.push({ kind: "add_primary_key", ...on, primaryKey: pkAfter });
  }

  ops.push(
    ...diffNamed(before.uniques, desired.uniques, uniqueSignature, {
      add: (unique) => ({ kind: "add_unique", ...on, unique }),
      drop: (unique) => ({ kind: "drop_unique", ...on, unique }),
      rename: (from, to) => ({ kind: "rename_constraint", ...on, from, to }),
    }),
    ...diffNamed(before.foreignKeys, desired.foreignKeys, foreignKeySignature, {
      add: (foreignKey) => ({ kind: "add_foreign_key", ...on, foreignKey }),
      drop: (foreignKey) => ({ kind: "drop_foreign_key", ...on, foreignKey }),
      rename: (from, to) => ({ kind: "rename_constraint", ...on, from, to }),
    }),
    ...diffNamed(before.checks, desired.checks, checkSignature, {
      add: (check) => ({ kind: "add_check", ...on, check }),
      drop: (check) => ({ kind: "drop_check", ...on, check }),
      rename: (from, to) => ({ kind: "rename_constraint", ...on, from, to }),
    }),
    ...diffNamed(before.indexes, desired.indexes, indexSignature, {
      add: (index) => ({ kind: "create_index", ...on, index }),
      drop: (index) => ({ kind: "drop_index", ...on, index }),
      rename: (from, to) => ({ kind: "rename_index", ...on, from, to }),
    }),
  );
  if ((actual.comment ?? "") !== (desired.comment ?? "")) {
    ops.push({
      kind: "set_table_comment",
      ...on,
      ...(desired.comment ? { comment: desired.comment } : {}),
    });
  }
  return ops;
}

/** Only what differs; `undefined` when the column is unchanged. */
function diffColumn(actual: Column, desired: Column): ColumnChanges | undefined {
  const changes: {
    -readonly [K in keyof ColumnChanges]: ColumnChanges[K];
  } = {};
  if (actual.type !== desired.type) {
    changes.type = {
      from: actual.type,
      to: desired.type,
      ...(desired.using ? { using: desired.using } : {}),
    };
  }
  if (actual.notNull !== desired.notNull) {
    changes.notNull = { from: actual.notNull, to: desired.notNull };
  }
  if (actual.serial !== desired.serial) {
    changes.serial = optionalPair(actual.serial, desired.serial);
  }
  if (!sameExpression(actual.default, desired.default, desired.type)) {
    changes.default = optionalPair(actual.default, desired.default);
  }
  if (actual.identity !== desired.identity) {
    changes.identity = optionalPair(actual.identity, desired.identity);
  }
  if ((actual.comment ?? "") !== (desired.comment ?? "")) {
    changes.comment = optionalPair(actual.comment || undefined, desired.comment || undefined);
  }
  return Object.keys(changes).length > 0 ? changes : undefined;
}

function optionalPair<T>(from: T | undefined, to: T | undefined): { from?: T; to?: T } {
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

interface NamedOps<T> {
  add(item: T): Operation;
  drop(item: T): Operation;
  rename(from: string, to: string): Operation;
}

/**
 * Set arithmetic by name, then by definition: an object whose definition is
 * unchanged but whose name differs is renamed, not dropped and recreated.
 */
function diffNamed<T extends { name: string }>(
  actual: readonly T[],
  desired: readonly T[],
  signature: (item: T) => string,
  make: NamedOps<T>,
): Operation[] {
  const ops: Operation[] = [];
  const current = new Map(actual.map((item) => [item.name, item]));
  const unmatched: T[] = [];
  for (const item of desired) {
    const existing = current.get(item.name);
    if (existing && signature(existing) === signature(item)) {
      current.delete(item.name);
    } else {
      unmatched.push(item);
    }
  }
  const bySignature = new Map<string, T>();
  for (const item of current.values()) {
    if (!desired.some((d) => d.name === item.name)) bySignature.set(signature(item), item);
  }
  for (const item of unmatched) {
    const twin = bySignature.get(signature(item));
    if (twin) {
      bySignature.delete(signature(item));
      current.delete(twin.name);
      ops.push(make.rename(twin.name, item.name));
      continue;
    }
    const existing = current.get(item.name);
    if (existing) {
      current.delete(item.name);
      ops.push(make.drop(existing));
    }
    ops.push(make.add(item));
  }
  for (const item of current.values()) ops.push(make.drop(item));
  return ops;
}

const uniqueSignature = (u: UniqueConstraint) => JSON.stringify([u.columns, u.nullsNotDistinct ?? false]);

const foreignKeySignature = (f: ForeignKey) =>
  JSON.stringify([f.columns, f.refSchema, f.refTable, f.refColumns, f.onDelete, f.onUpdate, f.deferrable ?? null]);

const checkSignature = (c: CheckConstraint) => normalizeExpression(c.expression);

export const indexSignature = (i: Index) =>
  JSON.stringify([
    i.keys.map((k) => (k.expression ? { ...k, column: normalizeExpression(k.column) } : k)),
    i.unique,
    i.method,
    i.include,
    i.where === undefined ? null : normalizeExpression(i.where),
  ]);

/** Two optional expressions are the same when their normal forms are. */
function sameExpression(a: string | undefined, b: string | undefined, type?: string): boolean {
  if (a === undefined || b === undefined) return a === b;
  return normalizeExpression(a, type) === normalizeExpression(b, type);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * PostgreSQL refuses to drop a primary key or unique constraint that a
 * foreign key depends on: drop such foreign keys first and add them back.
 */
function rebuildDependentForeignKeys(ops: Operation[], actual: readonly Table[]): Operation[] {
  const droppedKeys = ops.flatMap((op): { schema: string; table: string; columns: readonly string[] }[] => {
    if (op.kind === "drop_primary_key") return [{ ...op, columns: op.primaryKey.columns }];
    if (op.kind === "drop_unique") return [{ ...op, columns: op.unique.columns }];
    return [];
  });
  if (droppedKeys.length === 0) return ops;
  const fkKey = (schema: string, table: string, name: string) => `${qualifiedName(schema, table)}.${name}`;
  const droppedFks = new Set(
    ops.flatMap((op) => op.kind === "drop_foreign_key" ? [fkKey(op.schema, op.table, op.foreignKey.name)] : []),
  );
  // Renames run first, so these operations use the tables' new names.
  const renamedTables = new Map(
    ops.flatMap((op) => op.kind === "rename_table" ? [[qualifiedName(op.schema, op.from), op.to]] : []),
  );
  const extra: Operation[] = [];
  for (const table of actual) {
    for (const foreignKey of table.foreignKeys) {
      const depends = droppedKeys.some((k) =>
        k.schema === foreignKey.refSchema && k.table === foreignKey.refTable &&
        sameList([...k.columns].sort(), [...foreignKey.refColumns].sort())
      );
      const name = renamedTables.get(qualifiedName(table.schema, table.name)) ?? table.name;
      // Foreign keys already dropped (changed, or on dropped tables) need nothing.
      if (!depends || droppedFks.has(fkKey(table.schema, name, foreignKey.name))) continue;
      const on = { schema: table.schema, table: name };
      extra.push({ kind: "drop_foreign_key", ...on, foreignKey });
      extra.push({ kind: "add_foreign_key", ...on, foreignKey });
    }
  }
  return [...ops, ...extra];
}

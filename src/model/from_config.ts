/**
 * Config → desired schema model: types in normal form, expressions as the
 * user wrote them (the differ compares their normal forms). Semantic checks that zod
 * cannot express (unknown columns, over-long names) throw ConfigIssue with
 * the key path of the offending entry.
 */
import type { ValidConfig, ValidConstraint, ValidEnum, ValidTable } from "../config/schema.ts";
import { checkName } from "./names.ts";
import { type Naming, namingOf } from "./naming.ts";
import { mentionsColumn } from "./normalize.ts";
import type { CheckConstraint, EnumType, ForeignKey, Index, PrimaryKey, Table, UniqueConstraint } from "./types.ts";
import type { SchemaModel } from "./schema_model.ts";
import { qualifiedName } from "./types.ts";
import { sortModel } from "./sort.ts";
import { desiredColumn, storageParametersOf } from "./desired_column.ts";
import { desiredIndex } from "./desired_index.ts";
import { desiredObjects } from "./objects_from_config.ts";
import { desiredUserTypes } from "./user_types.ts";
import { checkRelationNames, ConfigIssue, isReferenceableKey } from "./checks.ts";
import { checkRenameCycles } from "./rename_cycles.ts";
import { checkIndexOptions, checkTableOptions } from "./option_checks.ts";
import { managedSchemas } from "./schemas.ts";
import { checkIdentifier, splitQualified, userTypeName } from "./qualified.ts";
import { boundText, checkPartitions, desiredPartitionBy, inheritParentColumns } from "./partitions.ts";

export { ConfigIssue };
export { DEFAULT_SCHEMA, joinQualified, splitQualified, userTypeName } from "./qualified.ts";

export function desiredModel(config: ValidConfig): SchemaModel {
  const types = desiredUserTypes(config);
  const enums = collectEnums(config, types.enums);
  const naming = namingOf(config.naming);
  const sources = inheritParentColumns(config.tables, (n, path) => qualifiedName(...splitQualified(n, path)));
  const tables = sources.map((table, i) => desiredTable(table, `tables[${i}]`, naming));
  const enumNames = new Set(enums.map((e) => userTypeName(e.schema, e.name)));
  tables.forEach((t, i) => checkTableOptions(t, `tables[${i}]`, enumNames));
  checkUnique(tables.map((t) => qualifiedName(t.schema, t.name)), "tables", "table");
  const byName = new Map(tables.map((t) => [qualifiedName(t.schema, t.name), t]));
  config.tables.forEach((table, i) => {
    table.constraints.forEach((c, j) => {
      if (c.kind !== "reference") return;
      const path = `tables[${i}].constraints[${j}]`;
      const [schema, name] = splitQualified(c.table, path);
      const target = byName.get(qualifiedName(schema, name));
      if (!target) {
        throw new ConfigIssue(path, `references table "${c.table}", which is not in the config`);
      }
      for (const column of c.refColumns) {
        if (!target.columns.some((col) => col.name === column)) {
          throw new ConfigIssue(path, `references column "${column}", which table "${c.table}" does not have`);
        }
      }
      if (!isReferenceableKey(target, c.refColumns)) {
        throw new ConfigIssue(
          path,
          `the foreign key of table "${table.name}" references ${c.table} (${c.refColumns.join(", ")}), which is ` +
            "not its primary key nor a unique constraint on exactly those columns (a deferrable one does not " +
            "count), so PostgreSQL would refuse it; " +
            `add t.unique(${JSON.stringify(c.refColumns)}) to table "${c.table}"`,
        );
      }
      if (target.unlogged && !table.unlogged) {
        throw new ConfigIssue(
          path,
          `table "${table.name}" is logged and references unlogged table "${c.table}", which PostgreSQL refuses; ` +
            "make both logged or both unlogged",
        );
      }
    });
  });
  const objects = desiredObjects(config, types.domains);
  const domains = objects.flatMap((o) => (o.kind === "domain" ? [{ ...o, what: `domain ${o.schema}.${o.name}` }] : []));
  checkRelationNames(tables, enums, [...types.names, ...domains]);
  checkPartitions(tables);
  checkRenameCycles(tables);
  const schemas = managedSchemas(config.schemas, tables, [
    ...enums,
    ...types.composites,
    ...types.ranges,
    ...objects,
  ]);
  return sortModel({ schemas, enums, tables, composites: types.composites, ranges: types.ranges, objects });
}

/** `nested`: enums found in `types` or inside other types. */
function collectEnums(config: ValidConfig, nested: readonly { definition: ValidEnum; path: string }[]): EnumType[] {
  const found = new Map<string, { definition: ValidEnum; path: string }>();
  const add = (definition: ValidEnum, path: string) => {
    const previous = found.get(definition.name);
    if (previous && JSON.stringify(previous.definition.values) !== JSON.stringify(definition.values)) {
      throw new ConfigIssue(
        path,
        `enum "${definition.name}" is defined twice with different values (also at ${previous.path})`,
      );
    }
    found.set(definition.name, { definition, path });
  };
  config.enums?.forEach((e, i) => add(e, `enums[${i}]`));
  for (const e of nested) add(e.definition, e.path);
  config.tables.forEach((t, i) => {
    for (const [name, column] of Object.entries(t.columns)) {
      if (column.enum) add(column.enum, `tables[${i}].columns.${name}.type`);
    }
  });
  return [...found.values()].map(({ definition, path }) => {
    const [schema, name] = splitQualified(definition.name, path);
    checkIdentifier(path, name);
    checkUnique(definition.values, path, "value");
    return { schema, name, values: definition.values };
  });
}

function desiredTable(table: ValidTable, path: string, naming: Naming): Table {
  const [schema, name] = splitQualified(table.name, `${path}.name`);
  checkIdentifier(`${path}.name`, name);
  const columnNames = Object.keys(table.columns);
  const requireColumns = (columns: readonly string[], at: string) => {
    for (const column of columns) {
      if (!(column in table.columns)) {
        throw new ConfigIssue(at, `column "${column}" is not a column of table "${table.name}"`);
      }
    }
  };

  const pkColumns = columnNames.filter((c) => table.columns[c].primaryKey);
  let primaryKey: PrimaryKey | undefined = pkColumns.length > 0
    ? { name: naming.columnPrimaryKey(name, pkColumns), columns: pkColumns }
    : undefined;
  const uniques: UniqueConstraint[] = columnNames
    .filter((c) => table.columns[c].unique)
    .map((c) => ({ name: naming.columnUnique(name, c), columns: [c] }));
  const indexes: Index[] = [];
  const foreignKeys: ForeignKey[] = [];
  const checks: CheckConstraint[] = [];

  table.constraints.forEach((c, j) => {
    const at = `${path}.constraints[${j}]`;
    requireColumns(referencedColumns(c), at);
    if (c.name) checkIdentifier(`${at}.name`, c.name);
    switch (c.kind) {
      case "primaryKey":
        if (primaryKey) {
          throw new ConfigIssue(
            at,
            `table "${table.name}" has two primary keys (t.primaryKey() and primaryKey: true, or two t.primaryKey())`,
          );
        }
        primaryKey = {
          name: c.name ?? naming.primaryKey(name, c.columns),
          columns: c.columns,
          ...(c.deferrable ? { deferrable: c.deferrable } : {}),
        };
        break;
      case "unique":
        uniques.push({
          name: c.name ?? naming.unique(name, c.columns),
          columns: c.columns,
          ...(c.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
          ...(c.deferrable ? { deferrable: c.deferrable } : {}),
        });
        break;
      case "index": {
        const index = desiredIndex(name, c, (column) => table.columns[column]?.collation, naming);
        checkIndexOptions(index, `table ${schema}.${name}`, at);
        indexes.push(index);
        break;
      }
      case "check": {
        const taken = new Set(checks.map((k) => k.name));
        checks.push({
          name: c.name ?? defaultCheckName(name, columnNames, c.expression, taken),
          expression: c.expression.trim(),
          ...(c.noInherit ? { noInherit: true } : {}),
          ...(c.notValid ? { notValid: true } : {}),
        });
        break;
      }
      case "reference": {
        if (c.columns.length !== c.refColumns.length) {
          throw new ConfigIssue(at, `has ${c.columns.length} columns but references ${c.refColumns.length}`);
        }
        const [refSchema, refTable] = splitQualified(c.table, at);
        foreignKeys.push({
          name: c.name ?? naming.foreignKey(name, c.columns),
          columns: c.columns,
          refSchema,
          refTable,
          refColumns: c.refColumns,
          onDelete: c.onDelete ?? "no action",
          onUpdate: c.onUpdate ?? "no action",
          ...(c.deferrable ? { deferrable: c.deferrable } : {}),
          ...(c.match === "full" ? { match: "full" } : {}),
          ...(c.notValid ? { notValid: true } : {}),
        });
        break;
      }
    }
  });

  const pkSet = new Set(primaryKey?.columns ?? []);
  const columns = columnNames.map((c) => {
    const column = table.columns[c];
    checkIdentifier(`${path}.columns.${c}`, c);
    const named = column.enum ?? column.userType ?? column.domain;
    const enumType = named ? userTypeName(...splitQualified(named.name)) : column.type;
    const desired = desiredColumn(c, enumType, column, pkSet.has(c), `${path}.columns.${c}`);
    // A partition's columns are its parent's: only what its own keys and expressions need.
    return table.partitionOf
      ? { name: c, type: desired.type, notNull: false, ...(desired.collation ? { collation: desired.collation } : {}) }
      : desired;
  });
  const constraintNames = [
    ...(primaryKey ? [primaryKey.name] : []),
    ...uniques.map((u) => u.name),
    ...foreignKeys.map((f) => f.name),
    ...checks.map((c) => c.name),
    ...indexes.map((i) => i.name),
  ];
  checkUnique(constraintNames, `${path}.constraints`, "constraint or index name");
  const tableParameters = storageParametersOf(table.with);
  return {
    schema,
    name,
    columns,
    ...(primaryKey ? { primaryKey } : {}),
    uniques,
    foreignKeys,
    checks,
    indexes,
    ...(table.comment !== undefined ? { comment: table.comment } : {}),
    ...(tableParameters ? { with: tableParameters } : {}),
    ...(table.unlogged ? { unlogged: true } : {}),
    ...(table.replicaIdentity && table.replicaIdentity !== "default" ? { replicaIdentity: table.replicaIdentity } : {}),
    ...(table.rowLevelSecurity ? { rowLevelSecurity: true } : {}),
    ...(table.rowLevelSecurity === "force" ? { forceRowLevelSecurity: true } : {}),
    ...(table.renamedFrom ? { renamedFrom: renamedWithin(schema, table.renamedFrom, `${path}.renamedFrom`) } : {}),
    ...(table.partitionBy ? { partitionBy: desiredPartitionBy(table.partitionBy, table, `${path}.partitionBy`) } : {}),
    ...(table.partitionOf ? { partitionOf: partitionOf(table.partitionOf, path) } : {}),
  };
}

/** A table's old name, in its own schema: a rename does not move a table to another schema. */
function renamedWithin(schema: string, renamedFrom: string, path: string): string {
  // Without a schema part (`old` or `"old name"`), the table's own.
  if (!/^("(?:[^"]|"")*"|[^."]+)\./.test(renamedFrom)) return splitQualified(renamedFrom, path)[1];
  const [from, name] = splitQualified(renamedFrom, path);
  if (from !== schema) {
    throw new ConfigIssue(
      path,
      `"${renamedFrom}" is in schema ${from}, not ${schema}: renamedFrom renames a table within its schema. Move it ` +
        `first (ALTER TABLE ... SET SCHEMA ${schema}, in an sql step), then rename it`,
    );
  }
  return name;
}

function partitionOf(input: NonNullable<ValidTable["partitionOf"]>, path: string): Table["partitionOf"] {
  const [schema, table] = splitQualified(input.table, `${path}.partitionOf.table`);
  return { schema, table, bound: boundText(input.bound, `${path}.partitionOf.bound`) };
}

/** The columns a constraint names directly (not those inside expressions). */
function referencedColumns(c: ValidConstraint): string[] {
  switch (c.kind) {
    case "check":
      return [];
    case "index":
      return [
        ...c.columns.flatMap((k) => typeof k === "string" ? [k] : k.column ? [k.column] : []),
        ...(c.include ?? []),
      ];
    default:
      return [...c.columns];
  }
}

/** PostgreSQL's name for an unnamed CHECK on `table` (see `checkName`). */
export function defaultCheckName(
  table: string,
  columns: readonly string[],
  expression: string,
  taken: ReadonlySet<string>,
): string {
  const used = columns.filter((column) => mentionsColumn(expression, column));
  return checkName(table, used.length === 1 ? used[0] : undefined, taken);
}

function checkUnique(values: readonly string[], path: string, what: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new ConfigIssue(path, `duplicate ${what} "${value}"`);
    seen.add(value);
  }
}

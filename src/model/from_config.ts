/**
 * Config → desired schema model: types in normal form, expressions as the
 * user wrote them (the differ compares their normal forms). Semantic checks that zod
 * cannot express (unknown columns, over-long names) throw ConfigIssue with
 * the key path of the offending entry.
 */
import type { ValidConfig, ValidConstraint, ValidEnum, ValidTable } from "../config/schema.ts";
import { byteLength, checkName, collationName, MAX_IDENTIFIER_BYTES, quoteIdent } from "./names.ts";
import { type Naming, namingOf } from "./naming.ts";
import { mentionsColumn } from "./normalize.ts";
import type {
  CheckConstraint,
  EnumType,
  ForeignKey,
  Index,
  IndexKey,
  PrimaryKey,
  SchemaModel,
  Table,
  UniqueConstraint,
} from "./types.ts";
import { qualifiedName } from "./types.ts";
import { sortModel } from "./sort.ts";
import { desiredColumn, storageParametersOf } from "./desired_column.ts";
import { checkRelationNames, ConfigIssue, isReferenceableKey } from "./checks.ts";

export const DEFAULT_SCHEMA = "public";

export { ConfigIssue };

/**
 * `"billing.invoices"` → `["billing", "invoices"]`; no dot → public. A name
 * holding a dot is written quoted, as in SQL: `'"my.table"'` is table
 * `my.table` in public, `'billing."a.b"'` is `a.b` in billing (`""` is a quote).
 */
export function splitQualified(name: string, path = "name"): [string, string] {
  if (!name.includes('"')) {
    const dot = name.indexOf(".");
    if (dot === -1) return [DEFAULT_SCHEMA, name];
    return [name.slice(0, dot), name.slice(dot + 1)];
  }
  const parts = /^(?:("(?:[^"]|"")*"|[^."]+)\.)?("(?:[^"]|"")*"|[^."]+)$/.exec(name);
  if (!parts) {
    throw new ConfigIssue(
      path,
      `cannot read the name ${name}: quote a part that holds a dot or a quote ("my.table", with "" for a quote)`,
    );
  }
  const unquote = (part: string) => part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part;
  return [parts[1] === undefined ? DEFAULT_SCHEMA : unquote(parts[1]), unquote(parts[2])];
}

/** The inverse of {@link splitQualified}: how the DSL names `schema.name`. */
export function joinQualified(schema: string, name: string): string {
  const part = (p: string) => (p.includes(".") || p.includes('"') ? `"${p.replaceAll('"', '""')}"` : p);
  return schema === DEFAULT_SCHEMA ? part(name) : `${part(schema)}.${part(name)}`;
}

/** The SQL spelling of a user type, as `format_type` prints it. */
export function userTypeName(schema: string, name: string): string {
  const quoted = quoteIdent(name);
  return schema === DEFAULT_SCHEMA ? quoted : `${quoteIdent(schema)}.${quoted}`;
}

function checkIdentifier(path: string, name: string): void {
  if (byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new ConfigIssue(
      path,
      `"${name}" is ${
        byteLength(name)
      } bytes long; PostgreSQL names are at most ${MAX_IDENTIFIER_BYTES} bytes (it would silently truncate it)`,
    );
  }
}

export function desiredModel(config: ValidConfig): SchemaModel {
  const enums = collectEnums(config);
  const naming = namingOf(config.naming);
  const tables = config.tables.map((table, i) => desiredTable(table, `tables[${i}]`, naming));
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
            "not its primary key nor a unique constraint on exactly those columns, so PostgreSQL would refuse it; " +
            `add t.unique(${JSON.stringify(c.refColumns)}) to table "${c.table}"`,
        );
      }
    });
  });
  checkRelationNames(tables, enums);
  const schemas = new Set<string>([DEFAULT_SCHEMA]);
  for (const t of tables) schemas.add(t.schema);
  for (const e of enums) schemas.add(e.schema);
  return sortModel({ schemas: [...schemas], enums, tables });
}

function collectEnums(config: ValidConfig): EnumType[] {
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
        const keys = c.columns.map((k) => indexKey(k, (column) => table.columns[column]?.collation));
        const parameters = storageParametersOf(c.with);
        const include = c.include ?? [];
        const keyNames = [...keys.map((k) => (k.expression ? undefined : k.column)), ...include];
        indexes.push({
          name: c.name ?? naming.index(name, keyNames, keys.map((k) => k.column), c.unique ?? false),
          keys,
          unique: c.unique ?? false,
          method: (c.using ?? "btree").toLowerCase(),
          include,
          ...(c.where ? { where: c.where.trim() } : {}),
          ...(c.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
          ...(parameters ? { with: parameters } : {}),
          ...(c.concurrently ? { concurrently: true } : {}),
        });
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
    const enumType = column.enum ? userTypeName(...splitQualified(column.enum.name)) : column.type;
    return desiredColumn(c, enumType, column, pkSet.has(c), `${path}.columns.${c}`);
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
    ...(table.renamedFrom ? { renamedFrom: table.renamedFrom } : {}),
  };
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

type ValidIndexKey = Extract<ValidConstraint, { kind: "index" }>["columns"][number];

/** `columnCollation`: a column's own collation, which a key on it need not repeat. */
function indexKey(key: ValidIndexKey, columnCollation: (column: string) => string | undefined): IndexKey {
  if (typeof key === "string") return { column: key };
  const collation = key.collation !== undefined ? collationName(key.collation) : undefined;
  const ownCollation = key.column !== undefined ? columnCollation(key.column) : undefined;
  const descending = key.order === "desc";
  // Only a non-default NULLS order is recorded, as introspection does.
  const nulls = key.nulls && (key.nulls === "first") !== descending ? key.nulls : undefined;
  return {
    column: key.expression !== undefined ? key.expression.trim() : key.column!,
    ...(key.expression !== undefined ? { expression: true } : {}),
    ...(descending ? { descending: true } : {}),
    ...(nulls ? { nulls } : {}),
    ...(key.opclass ? { opclass: key.opclass.toLowerCase() } : {}),
    ...(collation && collation !== (ownCollation && collationName(ownCollation)) ? { collation } : {}),
  };
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

/** Schemas, tables, and columns as wholes (added, dropped, renamed). */
import type { OperationKind, OperationOf } from "../../../diff/operations.ts";
import { ident, literal, qualified } from "../quote.ts";
import { alterColumn, columnDefinition, columnStorage } from "./columns.ts";
import { alterTable, columnComment, type Compilers, storageParameterList } from "./common.ts";
import { primaryKeyClause } from "./constraints.ts";
import { partitionByClause, partitionOfClause } from "./partitions.ts";

type TableKind = Extract<
  OperationKind,
  | "create_schema"
  | "create_table"
  | "drop_table"
  | "rename_table"
  | "set_table_comment"
  | "add_column"
  | "drop_column"
  | "rename_column"
  | "alter_column"
  | "drop_default"
  | "alter_table"
>;

export const tableCompilers: Compilers<TableKind> = {
  create_schema: (op) => [`CREATE SCHEMA ${ident(op.schema)}`],
  create_table: (op) => {
    const table = qualified(op.schema, op.table);
    const lines = op.columns.map((c) => `  ${columnDefinition(c)}`);
    if (op.primaryKey) lines.push(`  ${primaryKeyClause(op.primaryKey)}`);
    const body = op.partitionOf
      ? partitionOfClause(op.partitionOf, lines.map((l) => l.trim()))
      : ` (\n${lines.join(",\n")}\n)`;
    const partitionBy = op.partitionBy ? partitionByClause(op.partitionBy) : "";
    const parameters = op.with ? ` WITH (${storageParameterList(op.with)})` : "";
    return [
      `CREATE${op.unlogged ? " UNLOGGED" : ""} TABLE ${table}${body}${partitionBy}${parameters}`,
      ...op.columns.flatMap((c) => columnStorage(table, c)),
      ...(op.comment !== undefined ? [`COMMENT ON TABLE ${table} IS ${literal(op.comment)}`] : []),
      ...op.columns.flatMap((c) => (c.comment !== undefined ? [columnComment(op, c.name, c.comment)] : [])),
    ];
  },
  drop_table: (op) => [`DROP TABLE ${qualified(op.schema, op.table)}`],
  rename_table: (op) => [`ALTER TABLE ${qualified(op.schema, op.from)} RENAME TO ${ident(op.to)}`],
  add_column: (op) => [
    `${alterTable(op)} ADD COLUMN ${columnDefinition(op.column)}`,
    ...columnStorage(qualified(op.schema, op.table), op.column),
    ...(op.column.comment !== undefined ? [columnComment(op, op.column.name, op.column.comment)] : []),
  ],
  drop_column: (op) => [`${alterTable(op)} DROP COLUMN ${ident(op.column.name)}`],
  rename_column: (op) => [`${alterTable(op)} RENAME COLUMN ${ident(op.from)} TO ${ident(op.to)}`],
  alter_column: (op) => alterColumn(op),
  drop_default: (op) => [`${alterTable(op)} ALTER COLUMN ${ident(op.column)} DROP DEFAULT`],
  alter_table: (op) => alterTableOptions(op),
  set_table_comment: (op) => [
    `COMMENT ON TABLE ${qualified(op.schema, op.table)} IS ${op.comment !== undefined ? literal(op.comment) : "NULL"}`,
  ],
};

/** Storage parameters set, changed or reset; logging; replica identity. */
function alterTableOptions(op: OperationOf<"alter_table">): string[] {
  const c = op.changes;
  const statements: string[] = [];
  if (c.with) {
    const from = c.with.from ?? {};
    const to = c.with.to ?? {};
    const set = Object.fromEntries(Object.entries(to).filter(([name, value]) => from[name] !== value));
    const reset = Object.keys(from).filter((name) => !(name in to));
    if (Object.keys(set).length > 0) statements.push(`${alterTable(op)} SET (${storageParameterList(set)})`);
    if (reset.length > 0) statements.push(`${alterTable(op)} RESET (${reset.join(", ")})`);
  }
  if (c.unlogged) statements.push(`${alterTable(op)} SET ${c.unlogged.to ? "UNLOGGED" : "LOGGED"}`);
  if (c.replicaIdentity) {
    const to = c.replicaIdentity.to;
    const identity = to === undefined
      ? "DEFAULT"
      : typeof to === "string"
      ? to.toUpperCase()
      : `USING INDEX ${ident(to.index)}`;
    statements.push(`${alterTable(op)} REPLICA IDENTITY ${identity}`);
  }
  if (c.rowLevelSecurity) {
    statements.push(`${alterTable(op)} ${c.rowLevelSecurity.to ? "ENABLE" : "DISABLE"} ROW LEVEL SECURITY`);
  }
  if (c.forceRowLevelSecurity) {
    statements.push(`${alterTable(op)} ${c.forceRowLevelSecurity.to ? "FORCE" : "NO FORCE"} ROW LEVEL SECURITY`);
  }
  return statements;
}

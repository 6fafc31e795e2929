/** Schemas, tables, and columns as wholes (added, dropped, renamed). */
import type { OperationKind } from "../../../diff/operations.ts";
import { ident, identList, literal, qualified } from "../quote.ts";
import { alterColumn, columnDefinition } from "./columns.ts";
import { alterTable, columnComment, type Compilers } from "./common.ts";

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
>;

export const tableCompilers: Compilers<TableKind> = {
  create_schema: (op) => [`CREATE SCHEMA ${ident(op.schema)}`],
  create_table: (op) => {
    const table = qualified(op.schema, op.table);
    const lines = op.columns.map((c) => `  ${columnDefinition(c)}`);
    if (op.primaryKey) {
      lines.push(`  CONSTRAINT ${ident(op.primaryKey.name)} PRIMARY KEY (${identList(op.primaryKey.columns)})`);
    }
    return [
      `CREATE TABLE ${table} (\n${lines.join(",\n")}\n)`,
      ...(op.comment !== undefined ? [`COMMENT ON TABLE ${table} IS ${literal(op.comment)}`] : []),
      ...op.columns.flatMap((c) => (c.comment !== undefined ? [columnComment(op, c.name, c.comment)] : [])),
    ];
  },
  drop_table: (op) => [`DROP TABLE ${qualified(op.schema, op.table)}`],
  rename_table: (op) => [`ALTER TABLE ${qualified(op.schema, op.from)} RENAME TO ${ident(op.to)}`],
  add_column: (op) => [
    `${alterTable(op)} ADD COLUMN ${columnDefinition(op.column)}`,
    ...(op.column.comment !== undefined ? [columnComment(op, op.column.name, op.column.comment)] : []),
  ],
  drop_column: (op) => [`${alterTable(op)} DROP COLUMN ${ident(op.column.name)}`],
  rename_column: (op) => [`${alterTable(op)} RENAME COLUMN ${ident(op.from)} TO ${ident(op.to)}`],
  alter_column: (op) => alterColumn(op),
  set_table_comment: (op) => [
    `COMMENT ON TABLE ${qualified(op.schema, op.table)} IS ${op.comment !== undefined ? literal(op.comment) : "NULL"}`,
  ],
};

/**
 * Operations → PostgreSQL statements. The only module that writes DDL.
 * `Record<OperationKind, ...>` makes a new operation kind a type error until
 * it is compiled here.
 */
import type { Operation, OperationKind, OperationOf } from "../../diff/operations.ts";
import { makeObjectName } from "../../model/names.ts";
import type { Column, Index, ReferentialAction } from "../../model/types.ts";
import { doBlock, ident, identList, literal, qualified } from "./quote.ts";

type Compile<K extends OperationKind> = (op: OperationOf<K>) => string[];

const COMPILERS: { [K in OperationKind]: Compile<K> } = {
  create_schema: (op) => [`CREATE SCHEMA ${ident(op.schema)}`],
  create_enum: (op) => [
    `CREATE TYPE ${qualified(op.schema, op.name)} AS ENUM (${op.values.map(literal).join(", ")})`,
  ],
  drop_enum: (op) => [`DROP TYPE ${qualified(op.schema, op.name)}`],
  add_enum_value: (op) => [
    `ALTER TYPE ${qualified(op.schema, op.name)} ADD VALUE ${literal(op.value)}` +
    (op.before !== undefined ? ` BEFORE ${literal(op.before)}` : ""),
  ],
  recreate_enum: (op) => {
    const type = qualified(op.schema, op.name);
    const old = `${op.name}__kyrage_old`;
    return [
      `ALTER TYPE ${type} RENAME TO ${ident(old)}`,
      `CREATE TYPE ${type} AS ENUM (${op.to.map(literal).join(", ")})`,
      ...op.columns.map((c) => {
        const col = ident(c.column);
        const target = `${type}${c.array ? "[]" : ""}`;
        const steps = [
          ...(c.default !== undefined ? [`ALTER COLUMN ${col} DROP DEFAULT`] : []),
          `ALTER COLUMN ${col} TYPE ${target} USING ${col}::text${c.array ? "[]" : ""}::${target}`,
          ...(c.default !== undefined ? [`ALTER COLUMN ${col} SET DEFAULT ${c.default}`] : []),
        ];
        return `ALTER TABLE ${qualified(c.schema, c.table)} ${steps.join(", ")}`;
      }),
      `DROP TYPE ${qualified(op.schema, old)}`,
    ];
  },
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
  add_primary_key: (op) => [
    `${alterTable(op)} ADD CONSTRAINT ${ident(op.primaryKey.name)} PRIMARY KEY (${identList(op.primaryKey.columns)})`,
  ],
  drop_primary_key: (op) => [dropConstraint(op, op.primaryKey.name)],
  add_unique: (op) => [
    `${alterTable(op)} ADD CONSTRAINT ${ident(op.unique.name)} UNIQUE` +
    `${op.unique.nullsNotDistinct ? " NULLS NOT DISTINCT" : ""} (${identList(op.unique.columns)})`,
  ],
  drop_unique: (op) => [dropConstraint(op, op.unique.name)],
  add_foreign_key: (op) => {
    const fk = op.foreignKey;
    let sql = `${alterTable(op)} ADD CONSTRAINT ${ident(fk.name)} FOREIGN KEY (${identList(fk.columns)})` +
      ` REFERENCES ${qualified(fk.refSchema, fk.refTable)} (${identList(fk.refColumns)})` +
      referentialAction("DELETE", fk.onDelete) + referentialAction("UPDATE", fk.onUpdate);
    if (fk.deferrable) sql += ` DEFERRABLE INITIALLY ${fk.deferrable.toUpperCase()}`;
    return [sql];
  },
  drop_foreign_key: (op) => [dropConstraint(op, op.foreignKey.name)],
  add_check: (op) => [`${alterTable(op)} ADD CONSTRAINT ${ident(op.check.name)} CHECK (${op.check.expression})`],
  drop_check: (op) => [dropConstraint(op, op.check.name)],
  rename_constraint: (op) => [`${alterTable(op)} RENAME CONSTRAINT ${ident(op.from)} TO ${ident(op.to)}`],
  create_index: (op) => [createIndex(op.schema, op.table, op.index)],
  drop_index: (op) => [`DROP INDEX ${qualified(op.schema, op.index.name)}`],
  rename_index: (op) => [`ALTER INDEX ${qualified(op.schema, op.from)} RENAME TO ${ident(op.to)}`],
  set_table_comment: (op) => [
    `COMMENT ON TABLE ${qualified(op.schema, op.table)} IS ${op.comment !== undefined ? literal(op.comment) : "NULL"}`,
  ],
};

/** The statements for one operation, in execution order. */
export function compileOperation(op: Operation): string[] {
  return (COMPILERS[op.kind] as Compile<typeof op.kind>)(op);
}

/** Operations PostgreSQL will not run inside a transaction block. */
export function runsOutsideTransaction(op: Operation): op is OperationOf<"create_index"> {
  return op.kind === "create_index" && op.index.concurrently === true;
}

function alterTable(op: { schema: string; table: string }): string {
  return `ALTER TABLE ${qualified(op.schema, op.table)}`;
}

function dropConstraint(op: { schema: string; table: string }, name: string): string {
  return `${alterTable(op)} DROP CONSTRAINT ${ident(name)}`;
}

function columnComment(op: { schema: string; table: string }, column: string, comment: string | undefined): string {
  return `COMMENT ON COLUMN ${qualified(op.schema, op.table)}.${ident(column)} IS ` +
    (comment !== undefined ? literal(comment) : "NULL");
}

function referentialAction(event: "DELETE" | "UPDATE", action: ReferentialAction): string {
  return action === "no action" ? "" : ` ON ${event} ${action.toUpperCase()}`;
}

function columnDefinition(column: Column): string {
  let sql = `${ident(column.name)} ${column.serial ?? column.type}`;
  if (column.generated !== undefined) sql += ` GENERATED ALWAYS AS (${column.generated}) STORED`;
  if (column.identity) sql += ` GENERATED ${column.identity.toUpperCase()} AS IDENTITY`;
  if (column.default !== undefined) sql += ` DEFAULT ${column.default}`;
  if (column.notNull) sql += " NOT NULL";
  return sql;
}

/** Casts PostgreSQL applies on assignment, so no USING clause is needed. */
const ASSIGNABLE: Record<string, readonly string[]> = {
  smallint: ["integer", "bigint", "numeric", "real", "double precision"],
  integer: ["bigint", "numeric", "real", "double precision", "smallint"],
  bigint: ["numeric", "real", "double precision", "integer", "smallint"],
  real: ["double precision", "numeric"],
  "double precision": ["real", "numeric"],
  numeric: ["real", "double precision", "smallint", "integer", "bigint"],
  "timestamp without time zone": ["timestamp with time zone", "date", "time without time zone"],
  "timestamp with time zone": ["timestamp without time zone", "date", "time without time zone"],
  date: ["timestamp without time zone", "timestamp with time zone"],
  json: ["jsonb"],
  jsonb: ["json"],
};

const TEXTUAL = /^(text|character varying|character)(\(\d+\))?$/;

function baseType(type: string): string {
  return type.replace(/\([^)]*\)/, "");
}

/** True when `from` → `to` needs an explicit `USING col::to`. */
export function needsUsing(from: string, to: string): boolean {
  if (from.endsWith("[]") !== to.endsWith("[]")) return true;
  const a = baseType(from);
  const b = baseType(to);
  if (a === b) return false;
  if (TEXTUAL.test(to)) return false; // everything has an assignment cast to text
  if (TEXTUAL.test(from) && TEXTUAL.test(to)) return false;
  return !(ASSIGNABLE[a]?.includes(b) ?? false);
}

function alterColumn(op: OperationOf<"alter_column">): string[] {
  const c = op.changes;
  const col = ident(op.column);
  const table = qualified(op.schema, op.table);
  const clauses: string[] = [];
  const before: string[] = [];
  const after: string[] = [];
  const alter = (clause: string) => clauses.push(`ALTER COLUMN ${col} ${clause}`);

  // Before anything else: a generated column accepts no other change.
  if (c.generated) alter("DROP EXPRESSION");
  if (c.identity && c.identity.from && !c.identity.to) alter("DROP IDENTITY");
  // A changing default is dropped before a type change (the old one may not
  // cast to the new type) and set after it, as PostgreSQL's docs recommend.
  const serialDropped = c.serial?.from !== undefined && c.serial.to === undefined;
  if (serialDropped || (c.default?.from !== undefined && (c.type || c.default.to === undefined))) {
    alter("DROP DEFAULT");
  }
  if (c.type) {
    const using = c.type.using ?? (needsUsing(c.type.from, c.type.to) ? `${col}::${c.type.to}` : undefined);
    alter(`TYPE ${c.type.to}${using ? ` USING ${using}` : ""}`);
  }
  const ownedSequence = `pg_get_serial_sequence(${literal(table)}, ${literal(op.column)})`;
  if (c.serial?.to && !c.serial.from) {
    const sequence = qualified(op.schema, makeObjectName(op.table, op.column, "seq"));
    before.push(`CREATE SEQUENCE ${sequence} AS ${c.type?.to ?? serialType(c.serial.to)} OWNED BY ${table}.${col}`);
    alter(`SET DEFAULT nextval(${literal(sequence)}::regclass)`);
    after.push(`SELECT setval(${literal(sequence)}, coalesce(max(${col}), 0) + 1, false) FROM ${table}`);
  } else if (c.serial?.to && c.serial.from) {
    // serial → bigserial: the column's type changes above; widen its sequence too.
    after.push(dynamic(`'ALTER SEQUENCE %s AS ${serialType(c.serial.to)}', ${ownedSequence}`));
  } else if (serialDropped) {
    after.push(dynamic(`'DROP SEQUENCE %s', ${ownedSequence}`));
  }
  if (c.default?.to !== undefined) alter(`SET DEFAULT ${c.default.to}`);
  if (c.notNull) alter(c.notNull.to ? "SET NOT NULL" : "DROP NOT NULL");
  if (c.identity?.to) {
    alter(
      c.identity.from
        ? `SET GENERATED ${c.identity.to.toUpperCase()}`
        : `ADD GENERATED ${c.identity.to.toUpperCase()} AS IDENTITY`,
    );
    // A new identity's sequence starts at 1: start past the rows already there.
    if (!c.identity.from) {
      after.push(`SELECT setval(${ownedSequence}, coalesce(max(${col}), 0) + 1, false) FROM ${table}`);
    }
  }
  if (c.comment) after.push(columnComment(op, op.column, c.comment.to));
  const statements = [...before];
  if (clauses.length > 0) statements.push(`ALTER TABLE ${table} ${clauses.join(", ")}`);
  return [...statements, ...after];
}

/** A statement whose object name is only known at run time (an owned sequence). */
function dynamic(formatArgs: string): string {
  return doBlock(`BEGIN EXECUTE format(${formatArgs}); END`);
}

function serialType(serial: string): string {
  return serial === "bigserial" ? "bigint" : serial === "smallserial" ? "smallint" : "integer";
}

function createIndex(schema: string, table: string, index: Index): string {
  const keys = index.keys.map((k) => {
    let key = k.expression ? `(${k.column})` : ident(k.column);
    if (k.opclass) key += ` ${k.opclass}`;
    if (k.descending) key += " DESC";
    if (k.nulls) key += ` NULLS ${k.nulls.toUpperCase()}`;
    return key;
  });
  let sql = `CREATE${index.unique ? " UNIQUE" : ""} INDEX${index.concurrently ? " CONCURRENTLY" : ""}` +
    ` ${ident(index.name)} ON ${qualified(schema, table)}`;
  if (index.method !== "btree") sql += ` USING ${index.method}`;
  sql += ` (${keys.join(", ")})`;
  if (index.include.length > 0) sql += ` INCLUDE (${identList(index.include)})`;
  if (index.where) sql += ` WHERE ${index.where}`;
  return sql;
}

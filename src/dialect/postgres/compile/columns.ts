/** Column definitions and ALTER COLUMN: only the clauses that changed. */
import type { OperationOf } from "../../../diff/operations.ts";
import { makeObjectName } from "../../../model/names.ts";
import type { Column } from "../../../model/types.ts";
import { doBlock, ident, literal, qualified } from "../quote.ts";
import { columnComment } from "./common.ts";

export function columnDefinition(column: Column): string {
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

export function alterColumn(op: OperationOf<"alter_column">): string[] {
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

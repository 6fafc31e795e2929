/** Column definitions and ALTER COLUMN: only the clauses that changed. */
import type { OperationOf } from "../../../diff/operations.ts";
import { makeObjectName } from "../../../model/names.ts";
import type { Column, SequenceOptions } from "../../../model/types.ts";
import { flipsDirection } from "../../../model/sequences.ts";
import { doBlock, ident, literal, qualified } from "../quote.ts";
import { columnComment } from "./common.ts";

export function columnDefinition(column: Column): string {
  let sql = `${ident(column.name)} ${column.serial ?? column.type}`;
  if (column.compression) sql += ` COMPRESSION ${column.compression}`;
  if (column.collation) sql += ` COLLATE ${column.collation}`;
  if (column.generated !== undefined) sql += ` GENERATED ALWAYS AS (${column.generated}) STORED`;
  if (column.identity) {
    sql += ` GENERATED ${column.identity.toUpperCase()} AS IDENTITY`;
    const options = sequenceOptions(column.identityOptions ?? {});
    if (options.length > 0) sql += ` (${options.join(" ")})`;
  }
  if (column.default !== undefined) sql += ` DEFAULT ${column.default}`;
  if (column.notNull) sql += " NOT NULL";
  return sql;
}

/**
 * What a column definition cannot say before PostgreSQL 16: its storage, set
 * by a statement of its own after the table or column exists.
 */
export function columnStorage(table: string, column: Column): string[] {
  return column.storage
    ? [`ALTER TABLE ${table} ALTER COLUMN ${ident(column.name)} SET STORAGE ${column.storage}`]
    : [];
}

/** `START WITH 5 INCREMENT BY -1 ...` for the options given. */
export function sequenceOptions(o: SequenceOptions): string[] {
  return [
    ...(o.start !== undefined ? [`START WITH ${o.start}`] : []),
    ...(o.increment !== undefined ? [`INCREMENT BY ${o.increment}`] : []),
    ...(o.minValue !== undefined ? [`MINVALUE ${o.minValue}`] : []),
    ...(o.maxValue !== undefined ? [`MAXVALUE ${o.maxValue}`] : []),
    ...(o.cache !== undefined ? [`CACHE ${o.cache}`] : []),
    ...(o.cycle ? ["CYCLE"] : []),
  ];
}

/** `SET ...` clauses taking an identity sequence from one option set to another; absent means default. */
export function sequenceChanges(from: SequenceOptions, to: SequenceOptions): string[] {
  const ascending = BigInt(to.increment ?? "1") > 0n;
  // A default bound is the direction's: PostgreSQL keeps the old one when only the increment's sign flips.
  const flips = flipsDirection(from, to);
  const changed = (key: keyof SequenceOptions) =>
    from[key] !== to[key] || (flips && (key === "minValue" || key === "maxValue"));
  return [
    ...(changed("increment") ? [`SET INCREMENT BY ${to.increment ?? "1"}`] : []),
    ...(changed("minValue") ? [to.minValue !== undefined ? `SET MINVALUE ${to.minValue}` : "SET NO MINVALUE"] : []),
    ...(changed("maxValue") ? [to.maxValue !== undefined ? `SET MAXVALUE ${to.maxValue}` : "SET NO MAXVALUE"] : []),
    // START WITH records where RESTART goes back to; the sequence's current value is kept.
    ...(changed("start") ||
        (to.start === undefined && (changed("minValue") || changed("maxValue") || changed("increment")))
      ? [`SET START WITH ${to.start ?? (ascending ? to.minValue ?? "1" : to.maxValue ?? "-1")}`]
      : []),
    ...(changed("cache") ? [`SET CACHE ${to.cache ?? "1"}`] : []),
    ...(changed("cycle") ? [to.cycle ? "SET CYCLE" : "SET NO CYCLE"] : []),
    // The current value lies on the old side of the start: counting the other way begins again from the start.
    ...(flips ? ["RESTART"] : []),
  ];
}

/**
 * A bound moved past the sequence's current value on its start side (a
 * higher MINVALUE counting up, a lower MAXVALUE counting down): PostgreSQL
 * refuses the new bound until the value is there, so it is moved first,
 * still within the old bounds.
 */
function intoNewStart(table: string, column: string, from: SequenceOptions, to: SequenceOptions): string[] {
  const up = BigInt(to.increment ?? "1") > 0n;
  if (flipsDirection(from, to)) return []; // a flip restarts (sequenceChanges)
  const bound = up ? to.minValue : to.maxValue;
  const before = up ? from.minValue ?? "1" : from.maxValue ?? "-1";
  if (bound === undefined || (up ? BigInt(bound) <= BigInt(before) : BigInt(bound) >= BigInt(before))) return [];
  return [
    `SELECT setval(s, ${bound}, false) FROM pg_get_serial_sequence(${literal(table)}, ${literal(column)}) s ` +
    `WHERE coalesce(pg_sequence_last_value(s::regclass), ${before}) ${up ? "<" : ">"} ${bound}`,
  ];
}

const INTEGER_WIDTH: Record<string, number> = { smallint: 2, integer: 4, bigint: 8 };

/** Whether a type change makes an integer column smaller (its sequence bounds must shrink first). */
function narrowsInteger(from: string, to: string): boolean {
  return (INTEGER_WIDTH[to] ?? 8) < (INTEGER_WIDTH[from] ?? 0);
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
  if (c.type || c.collation) {
    // A collation is changed by restating the type; the type's own is "default".
    const type = c.type?.to ?? op.type!;
    const arrays = c.type?.from.endsWith("[]") ? "[]" : "";
    const using = c.type?.using ??
      (c.type?.viaText
        ? `${col}::text${arrays}::${c.type.to}`
        : c.type && needsUsing(c.type.from, c.type.to)
        ? `${col}::${c.type.to}`
        : undefined);
    const collate = c.collation ? ` COLLATE ${c.collation.to ?? 'pg_catalog."default"'}` : "";
    alter(`TYPE ${type}${collate}${using ? ` USING ${using}` : ""}`);
  }
  // A new identity states its options in ADD GENERATED below.
  const identityAdded = c.identity?.to !== undefined && c.identity.from === undefined;
  if (c.identityOptions && !identityAdded) {
    const changes = sequenceChanges(c.identityOptions.from, c.identityOptions.to);
    // One ALTER COLUMN: PostgreSQL checks the options together (a new MINVALUE with its new START).
    const statements = [
      ...intoNewStart(table, op.column, c.identityOptions.from, c.identityOptions.to),
      `ALTER TABLE ${table} ALTER COLUMN ${col} ${changes.join(" ")}`,
    ];
    // Bounds that do not fit a smaller type must go before the type changes, larger ones after.
    if (c.type && narrowsInteger(c.type.from, c.type.to)) before.push(...statements);
    else after.push(...statements);
  }
  if (c.storage) {
    after.push(
      c.storage.to ? `ALTER TABLE ${table} ALTER COLUMN ${col} SET STORAGE ${c.storage.to}` : dynamic(
        `'ALTER TABLE %s ALTER COLUMN %I SET STORAGE %s', ${literal(table)}, ${literal(op.column)}, ` +
          `(SELECT CASE typstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' ` +
          `ELSE 'extended' END FROM pg_type WHERE oid = ${literal(op.type!)}::regtype)`,
      ),
    );
  }
  if (c.compression) alter(`SET COMPRESSION ${c.compression.to ?? "default"}`);
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
    if (c.identity.from) alter(`SET GENERATED ${c.identity.to.toUpperCase()}`);
    else {
      const o = c.identityOptions?.to ?? {};
      const options = sequenceOptions(o);
      alter(
        `ADD GENERATED ${c.identity.to.toUpperCase()} AS IDENTITY${
          options.length > 0 ? ` (${options.join(" ")})` : ""
        }`,
      );
      // A new identity's sequence starts where its options say: past the rows already there.
      const step = o.increment ?? "1";
      const ascending = BigInt(step) > 0n;
      const start = o.start ?? (ascending ? o.minValue ?? "1" : o.maxValue ?? "-1");
      const next = ascending
        ? `greatest(coalesce(max(${col}) + ${step}, ${start}), ${start})`
        : `least(coalesce(min(${col}) + ${step}, ${start}), ${start})`;
      after.push(`SELECT setval(${ownedSequence}, ${next}, false) FROM ${table}`);
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

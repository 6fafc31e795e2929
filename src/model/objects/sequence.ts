/**
 * Sequences no column owns as its serial or identity (those are column
 * attributes): an invoice-number counter, say. Compared on `pg_sequence`,
 * options in the same normal form as an identity's.
 */
import type { ValidSequence, ValidTable } from "../../config/schema.ts";
import { ConfigIssue } from "../checks.ts";
import type { ObjectBase } from "../object_base.ts";
import { checkIdentifier, splitQualified } from "../qualified.ts";
import { normalSequenceOptions } from "../sequences.ts";
import type { SequenceOptions } from "../types.ts";

export type SequenceType = "smallint" | "integer" | "bigint";

export interface SequenceObject extends ObjectBase {
  readonly kind: "sequence";
  readonly type: SequenceType;
  /** Only the options that differ from PostgreSQL's defaults for `type`. */
  readonly options: SequenceOptions;
  /** `OWNED BY`: dropped with that column (a table in the sequence's own schema). */
  readonly ownedBy?: { readonly table: string; readonly column: string };
}

export function desiredSequences(
  sequences: readonly ValidSequence[],
  tables: readonly ValidTable[],
  path = "sequences",
): SequenceObject[] {
  return sequences.map((s, i): SequenceObject => {
    const [schema, name] = splitQualified(s.name, `${path}[${i}].name`);
    checkIdentifier(`${path}[${i}].name`, name);
    const type = s.as ?? "bigint";
    const text = (v: number | bigint | string | undefined) => (v === undefined ? undefined : BigInt(v).toString());
    const options = normalSequenceOptions(type, {
      start: text(s.start),
      increment: text(s.increment),
      minValue: text(s.minValue),
      maxValue: text(s.maxValue),
      cache: text(s.cache),
      cycle: s.cycle,
    });
    return {
      kind: "sequence",
      schema,
      name,
      type,
      options,
      ...(s.ownedBy !== undefined ? { ownedBy: ownedBy(schema, s.ownedBy, tables, `${path}[${i}].ownedBy`) } : {}),
      ...(s.comment !== undefined ? { comment: s.comment } : {}),
    };
  });
}

/**
 * `"orders.number"`: a column of a declared table in the sequence's schema, as PostgreSQL requires. A part
 * holding a dot or a quote is quoted as in SQL (`'"a.b"."c.d"'`); unquoted, the last dot ends the table.
 */
function ownedBy(schema: string, spec: string, tables: readonly ValidTable[], path: string) {
  const quoted = spec.includes('"');
  const dot = quoted ? (/^(?:"(?:[^"]|"")*"|[^."]+)\./.exec(spec)?.[0].length ?? 0) - 1 : spec.lastIndexOf(".");
  const [table, column] = quoted && dot > 0 ? splitQualified(spec, path) : [spec.slice(0, dot), spec.slice(dot + 1)];
  const owner = tables.find((t) => {
    const [s, n] = splitQualified(t.name);
    return s === schema && n === table;
  });
  if (dot <= 0 || !owner || !(column in owner.columns)) {
    throw new ConfigIssue(
      path,
      `"${spec}" is not a column of a table the config declares in schema ${schema} (write "table.column"; ` +
        "PostgreSQL requires the owning table to be in the sequence's schema)",
    );
  }
  return { table, column };
}

/**
 * Blockers of sequence changes (see blockers.ts): new bounds (a narrower
 * type, a higher MINVALUE, a lower MAXVALUE) that leave out the sequence's
 * current value, which `ALTER SEQUENCE` refuses.
 */
import { sql, type Transaction } from "kysely";
import type { Operation } from "./diff/operations.ts";
import { sequenceDefaults } from "./model/sequences.ts";

/** Same shape as `Blocker`. */
export interface SequenceBlocker {
  readonly object: string;
  readonly reason: string;
}

interface SequenceCheck {
  readonly schema: string;
  readonly name: string;
  readonly min: bigint;
  readonly max: bigint;
}

/** The sequences whose bounds the operations change; none means no query. */
export function sequenceChecks(ops: readonly Operation[]): SequenceCheck[] {
  return ops.flatMap((op) => {
    if (op.kind !== "alter_object" || op.from.kind !== "sequence" || op.to.kind !== "sequence") return [];
    const bounds = (type: string, o: typeof op.from.options) => {
      const defaults = sequenceDefaults(type, o.increment ?? "1");
      return [BigInt(o.minValue ?? defaults.minValue), BigInt(o.maxValue ?? defaults.maxValue)] as const;
    };
    const [fromMin, fromMax] = bounds(op.from.type, op.from.options);
    const [min, max] = bounds(op.to.type, op.to.options);
    // A flipped direction restarts the sequence (compile/columns.ts), so its current value does not matter.
    const flips = (BigInt(op.from.options.increment ?? "1") > 0n) !== (BigInt(op.to.options.increment ?? "1") > 0n);
    return !flips && (min > fromMin || max < fromMax) ? [{ schema: op.to.schema, name: op.to.name, min, max }] : [];
  });
}

// deno-lint-ignore no-explicit-any
export async function sequenceBlockers(tx: Transaction<any>, checks: readonly SequenceCheck[]): Promise<
  SequenceBlocker[]
> {
  if (checks.length === 0) return [];
  // last_value is null until the sequence is first used: then nothing is out of bounds yet.
  const rows = await sql<{ schema: string; name: string; value: string }>`
    select schemaname::text as schema, sequencename::text as name, last_value::text as value from pg_sequences
    where last_value is not null and (schemaname, sequencename) in (
      select s, n from unnest(${sql.val(checks.map((c) => c.schema))}::text[],
                              ${sql.val(checks.map((c) => c.name))}::text[]) as x(s, n))`.execute(tx);
  return rows.rows.flatMap((row) => {
    const check = checks.find((c) => c.schema === row.schema && c.name === row.name)!;
    const value = BigInt(row.value);
    if (value >= check.min && value <= check.max) return [];
    return [{
      object: `sequence ${row.schema}.${row.name}`,
      reason: `its current value ${value} is outside the new bounds ${check.min}..${check.max}, ` +
        "so ALTER SEQUENCE would fail; widen the bounds, or restart it (setval) within them first",
    }];
  });
}

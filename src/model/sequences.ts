/**
 * Identity sequence options in normal form: each option only when it
 * differs from what PostgreSQL picks for the column's type and direction,
 * so the config's omissions and the catalog's explicit defaults compare equal.
 */
import type { SequenceOptions } from "./types.ts";

const BOUNDS: Record<string, readonly [string, string]> = {
  smallint: ["-32768", "32767"],
  integer: ["-2147483648", "2147483647"],
  bigint: ["-9223372036854775808", "9223372036854775807"],
};

/** The values PostgreSQL uses for options left out, for a sequence of `type`. */
export function sequenceDefaults(type: string, increment = "1"): Required<SequenceOptions> {
  const [low, high] = BOUNDS[type] ?? BOUNDS.bigint;
  const ascending = BigInt(increment) > 0n;
  const minValue = ascending ? "1" : low;
  const maxValue = ascending ? high : "-1";
  return { start: ascending ? minValue : maxValue, increment, minValue, maxValue, cache: "1", cycle: false };
}

/** Whether a change of options makes the sequence count the other way: PostgreSQL's value is then restarted. */
export function flipsDirection(from: SequenceOptions, to: SequenceOptions): boolean {
  return BigInt(from.increment ?? "1") > 0n !== BigInt(to.increment ?? "1") > 0n;
}

/** Only the options that differ from the defaults, numbers as canonical decimal text. */
export function normalSequenceOptions(type: string, options: SequenceOptions): SequenceOptions {
  const canonical = (v: string | undefined) => (v === undefined ? undefined : BigInt(v).toString());
  const increment = canonical(options.increment) ?? "1";
  // Defaults for start follow the bounds actually chosen, as in PostgreSQL.
  const base = sequenceDefaults(type, increment);
  const minValue = canonical(options.minValue) ?? base.minValue;
  const maxValue = canonical(options.maxValue) ?? base.maxValue;
  const start = canonical(options.start) ?? (BigInt(increment) > 0n ? minValue : maxValue);
  const full: Required<SequenceOptions> = {
    start,
    increment,
    minValue,
    maxValue,
    cache: canonical(options.cache) ?? "1",
    cycle: options.cycle ?? false,
  };
  const defaults = { ...base, increment: "1", start: BigInt(increment) > 0n ? minValue : maxValue };
  const out: { -readonly [K in keyof SequenceOptions]: SequenceOptions[K] } = {};
  for (const key of Object.keys(full) as (keyof SequenceOptions)[]) {
    if (full[key] !== defaults[key]) (out as Record<string, unknown>)[key] = full[key];
  }
  return out;
}

/** Sequences of their own (not a column's serial or identity): `defineSequence("invoice_number", { start: 1000 })`. */

export interface SequenceOptions {
  /** Default `bigint`. */
  as?: "smallint" | "integer" | "bigint";
  /** Where a new sequence starts; changing it later never restarts an existing one. */
  start?: number | bigint | string;
  increment?: number | bigint | string;
  minValue?: number | bigint | string;
  maxValue?: number | bigint | string;
  cache?: number | bigint | string;
  cycle?: boolean;
  /** `"table.column"` (a table in the sequence's schema; `'"a.b"."c.d"'` quotes parts with dots): dropped with that column. */
  ownedBy?: string;
  comment?: string;
}

export interface SequenceDefinition extends SequenceOptions {
  readonly kind: "sequence";
  readonly name: string;
}

/** `defineSequence("invoice_number", { start: 1000 })`; `"billing.invoice_number"` for a schema. */
export function defineSequence(name: string, options: SequenceOptions = {}): SequenceDefinition {
  return { kind: "sequence", name, ...options };
}

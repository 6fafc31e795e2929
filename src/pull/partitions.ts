/**
 * Partitioning as the config writes it: keys as column names or objects,
 * and bounds as `{ from, to }`, `{ in }`, `{ modulus, remainder }` or
 * `"DEFAULT"` when the catalog's text reads back exactly as such, else that
 * text itself (`MINVALUE`, `MAXVALUE`, and anything unusual).
 */
import type { PartitionBoundInput, PartitionByInput, PartitionValue } from "../config/dsl.ts";
import { collationInput } from "../model/names.ts";
import type { PartitionBy } from "../model/types.ts";

export function partitionByInput(p: PartitionBy): PartitionByInput {
  return {
    strategy: p.strategy,
    keys: p.keys.map((k) => {
      if (!k.expression && !k.collation && !k.opclass) return k.column;
      return {
        ...(k.expression ? { expression: k.column } : { column: k.column }),
        ...(k.collation ? { collation: collationInput(k.collation) } : {}),
        ...(k.opclass ? { opclass: k.opclass } : {}),
      };
    }),
  };
}

/** One value as PostgreSQL prints it in a bound: `'text'` (quotes doubled), a number, `true`, `NULL`. */
const VALUE = /'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|NULL/y;

/** `('a', 1)` at `start` → its values and where it ends; undefined when it holds anything else. */
function values(text: string, start: number): { values: PartitionValue[]; end: number } | undefined {
  if (text[start] !== "(") return undefined;
  const out: PartitionValue[] = [];
  let i = start + 1;
  for (;;) {
    VALUE.lastIndex = i;
    const match = VALUE.exec(text);
    if (!match) return undefined;
    const token = match[0];
    const number = Number(token);
    out.push(
      token.startsWith("'")
        ? token.slice(1, -1).replaceAll("''", "'")
        : token === "NULL"
        ? null
        : token === "true" || token === "false"
        ? token === "true"
        // A number JavaScript cannot hold exactly is written as text; PostgreSQL casts it back.
        : String(number) === token
        ? number
        : token,
    );
    i = VALUE.lastIndex;
    if (text.startsWith(", ", i)) i += 2;
    else if (text[i] === ")") return { values: out, end: i + 1 };
    else return undefined;
  }
}

/** The catalog's bound text → the config's bound. */
export function boundInput(bound: string): PartitionBoundInput {
  if (bound === "DEFAULT") return bound;
  const hash = /^FOR VALUES WITH \(modulus (\d+), remainder (\d+)\)$/.exec(bound);
  if (hash) return { modulus: Number(hash[1]), remainder: Number(hash[2]) };
  if (bound.startsWith("FOR VALUES IN ")) {
    const list = values(bound, "FOR VALUES IN ".length);
    if (list && list.end === bound.length) return { in: list.values };
  }
  if (bound.startsWith("FOR VALUES FROM ")) {
    const from = values(bound, "FOR VALUES FROM ".length);
    const to = from && bound.startsWith(" TO ", from.end) ? values(bound, from.end + " TO ".length) : undefined;
    if (from && to && to.end === bound.length) return { from: from.values, to: to.values };
  }
  return bound;
}

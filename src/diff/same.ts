/**
 * Whether a table is unchanged, asked of every table of a schema before the
 * differ's closer look: structural equality (allocating nothing), except that
 * column defaults are compared in normal form as diffColumns compares them
 * (the catalog says `''::text` where the config says `''`).
 */
import type { Table } from "../model/types.ts";
import { sameExpression } from "./named.ts";

export function sameTable(actual: Table, desired: Table): boolean {
  if (actual.columns.length !== desired.columns.length) return false;
  for (let i = 0; i < actual.columns.length; i++) {
    const a = actual.columns[i];
    const d = desired.columns[i];
    if (!sameValue(a, d, "default") || !sameExpression(a.default, d.default, d.type)) return false;
  }
  return sameValue(actual, desired, "columns");
}

/**
 * Structural equality of model values (plain objects, arrays, primitives), a
 * key holding `undefined` counting as absent; `skip` is left out at the top.
 */
export function sameValue(a: unknown, b: unknown, skip?: string): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const key in x) {
    if (x[key] === undefined || key === skip) continue;
    if (!sameValue(x[key], y[key])) return false;
    keys++;
  }
  for (const key in y) if (y[key] !== undefined && key !== skip) keys--;
  return keys === 0;
}

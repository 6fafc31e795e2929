/**
 * Comparison helpers shared by the per-kind differs: signatures (an object's
 * defining fields in normal form, without its name) and set arithmetic over
 * named objects.
 */
import type { CheckConstraint, ForeignKey, Index, StorageParameters, UniqueConstraint } from "../model/types.ts";
import { normalizeExpression } from "../model/normalize.ts";
import type { Operation } from "./operations.ts";

export const uniqueSignature = (u: UniqueConstraint) =>
  JSON.stringify([u.columns, u.nullsNotDistinct ?? false, u.deferrable ?? null]);

// Whether a constraint was validated is no part of its definition: a
// NOT VALID one the config wants valid is validated in place.
export const foreignKeySignature = (f: ForeignKey) =>
  JSON.stringify([
    f.columns,
    f.refSchema,
    f.refTable,
    f.refColumns,
    f.onDelete,
    f.onUpdate,
    f.deferrable ?? null,
    f.match ?? null,
  ]);

export const checkSignature = (c: CheckConstraint) =>
  JSON.stringify([normalizeExpression(c.expression), c.noInherit ?? false]);

export const indexSignature = (i: Index) =>
  JSON.stringify([
    i.keys.map((k) => (k.expression ? { ...k, column: normalizeExpression(k.column) } : k)),
    i.unique,
    i.method,
    i.include,
    i.where === undefined ? null : normalizeExpression(i.where),
    i.nullsNotDistinct ?? false,
    parametersSignature(i.with),
  ]);

const BOOLEAN_TEXT: Record<string, string> = { on: "true", yes: "true", true: "true", off: "false", no: "false" };

/** Storage parameters in normal form: sorted, values lowercased, `on`/`off` as `true`/`false`. */
export function parametersSignature(parameters: StorageParameters | undefined): string {
  const entries = Object.entries(parameters ?? {})
    .map(([name, value]) => [name, BOOLEAN_TEXT[value.toLowerCase()] ?? value.toLowerCase()])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/** Two optional expressions are the same when their normal forms are. */
export function sameExpression(a: string | undefined, b: string | undefined, type?: string): boolean {
  // Equal text has equal normal forms: most expressions compared are unchanged.
  if (a === undefined || b === undefined || a === b) return a === b;
  return normalizeExpression(a, type) === normalizeExpression(b, type);
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface NamedOps<T> {
  add(item: T): Operation;
  drop(item: T): Operation;
  rename(from: string, to: string): Operation;
}

/**
 * Set arithmetic by name, then by definition: an object whose definition is
 * unchanged but whose name differs is renamed, not dropped and recreated.
 */
export function diffNamed<T extends { name: string }>(
  actual: readonly T[],
  desired: readonly T[],
  signature: (item: T) => string,
  make: NamedOps<T>,
): Operation[] {
  const ops: Operation[] = [];
  const current = new Map(actual.map((item) => [item.name, item]));
  const desiredNames = new Set(desired.map((d) => d.name));
  const unmatched: T[] = [];
  for (const item of desired) {
    const existing = current.get(item.name);
    if (existing && signature(existing) === signature(item)) {
      current.delete(item.name);
    } else {
      unmatched.push(item);
    }
  }
  const bySignature = new Map<string, T>();
  for (const item of current.values()) {
    if (!desiredNames.has(item.name)) bySignature.set(signature(item), item);
  }
  for (const item of unmatched) {
    const twin = bySignature.get(signature(item));
    if (twin) {
      bySignature.delete(signature(item));
      current.delete(twin.name);
      ops.push(make.rename(twin.name, item.name));
      continue;
    }
    const existing = current.get(item.name);
    if (existing) {
      current.delete(item.name);
      ops.push(make.drop(existing));
    }
    ops.push(make.add(item));
  }
  for (const item of current.values()) ops.push(make.drop(item));
  return ops;
}

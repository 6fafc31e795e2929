/**
 * The differ as data: current schema, desired schema, expected operations
 * (by kind and target). Models come from the DSL, the same normal form
 * introspection produces.
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/load.ts";
import { diffSchemas } from "../../src/diff/diff.ts";
import type { Operation } from "../../src/diff/operations.ts";
import type { Config } from "../../src/mod.ts";
import type { SchemaModel } from "../../src/model/schema_model.ts";

export const model = (config: Config): SchemaModel => validateConfig(config, "/test/kyrage.config.ts").desired;

/** A rename's or rebuild's side: attribute names, a range's subtype, or the value itself. */
const label = (v: unknown): string =>
  Array.isArray(v)
    ? v.map(label).join(",")
    : v && typeof v === "object"
    ? String((v as { name?: string }).name ?? (v as { subtype?: string }).subtype)
    : String(v);

/** `kind target` per operation, e.g. `add_column public.users.age`. */
function summary(op: Operation): string {
  const parts: string[] = [op.kind, "schema" in op ? op.schema : ""];
  if ("table" in op) parts.push(op.table);
  if (op.kind === "add_column" || op.kind === "drop_column") parts.push(op.column.name);
  if (op.kind === "alter_column") parts.push(op.column, Object.keys(op.changes).join("+"));
  if ("name" in op) parts.push(op.name);
  if (op.kind === "add_enum_value") parts.push(`${op.value}<${op.before ?? "end"}`);
  if ("from" in op) parts.push(`${label(op.from)}->${label(op.to)}`);
  if (op.kind === "alter_composite_type") {
    parts.push(
      Object.entries(op.changes).map(([k, list]) =>
        `${k}:${list.map((a: { name?: string; to?: { name: string } }) => a.name ?? a.to!.name).join(",")}`
      ).join(" "),
    );
  }
  for (const key of ["primaryKey", "unique", "foreignKey", "check", "index"] as const) {
    if (key in op) parts.push((op as unknown as Record<string, { name: string }>)[key].name);
  }
  return parts.join(" ");
}

export interface Case {
  name: string;
  current: Config;
  desired: Config;
  expected: string[];
}

/** One test per case: the operations' summaries, in order. */
export function diffCases(cases: readonly Case[]): void {
  for (const c of cases) {
    Deno.test(`diff: ${c.name}`, () => {
      const ops = diffSchemas(model(c.current), model(c.desired));
      assert.deepEqual(ops.map(summary), c.expected);
    });
  }
}

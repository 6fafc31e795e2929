/**
 * A routine dropped by the plan (its signature changed, or it is rebuilt)
 * while defaults, checks and indexes call it: PostgreSQL refuses the drop
 * under them. Each is taken off before the drop (phase 5, before routines
 * go) and, when the config keeps it, put back after the new routine exists
 * (defaults, checks and indexes come after routines are created), so the
 * online plan rebuilds them like any other change (NOT VALID + VALIDATE,
 * CONCURRENTLY). Routines that read a table are dropped and created around
 * the table changes instead: their callers stay refused (see dependents.ts).
 */
import { objectId } from "../model/objects.ts";
import type { RoutineCaller } from "../model/objects/function.ts";
import { qualifiedName, type Table } from "../model/types.ts";
import type { Operation } from "./operations.ts";

/** The routines `ops` drop, by {@link objectId}, that callers can be taken off around. */
export function droppedRoutines(ops: readonly Operation[]): string[] {
  return ops.flatMap((op) => {
    if (op.kind !== "drop_object") return [];
    const o = op.object;
    if (o.kind !== "function" && o.kind !== "procedure") return [];
    return o.dependsOn?.some((id) => id.startsWith("table:")) ? [] : [objectId(o)];
  });
}

/** Operations taking `callers` off before their routines are dropped and putting back those `desired` keeps. */
export function callerRebuilds(
  ops: readonly Operation[],
  callers: readonly RoutineCaller[],
  actual: readonly Table[],
  desired: readonly Table[],
): Operation[] {
  const dropped = new Set(droppedRoutines(ops));
  const renames = renamesOf(ops);
  const before = new Map(actual.map((t) => [qualifiedName(t.schema, t.name), t]));
  const after = new Map(desired.map((t) => [qualifiedName(t.schema, t.name), t]));
  const done = new Set<string>();
  return callers.flatMap((caller): Operation[] => {
    if (!dropped.has(caller.routine)) return [];
    const from = before.get(qualifiedName(caller.schema, caller.table));
    const table = renames.get(`table ${caller.schema}.${caller.table}`) ?? caller.table;
    const to = after.get(qualifiedName(caller.schema, table));
    const key = `${caller.kind} ${caller.schema}.${caller.table}.${caller.name}`;
    const name = renames.get(key) ?? caller.name;
    if (!from || !to || done.has(key) || goneAlready(ops, caller, table, name)) return [];
    done.add(key);
    const on = { schema: caller.schema, table };
    switch (caller.kind) {
      case "generated":
        return []; // rebuilt by the table diff (diffColumns' `regenerate`)
      case "default": {
        const old = from.columns.find((c) => c.name === caller.name)?.default;
        if (old === undefined) return [];
        const wanted = to.columns.find((c) => c.name === name)?.default;
        // A default the plan changes anyway is set again (or dropped) by that change.
        const changed = ops.some((op) =>
          op.kind === "alter_column" && op.schema === on.schema && op.table === table && op.column === name &&
          op.changes.default
        );
        return [
          { kind: "drop_default", ...on, column: name, default: old },
          ...(changed || wanted === undefined
            ? []
            : [{ kind: "alter_column", ...on, column: name, changes: { default: { to: wanted } } } as const]),
        ];
      }
      case "check": {
        const check = from.checks.find((c) => c.name === caller.name);
        const kept = to.checks.find((c) => c.name === name);
        if (!check) return [];
        return [
          { kind: "drop_check", ...on, check: { ...check, name } },
          ...(kept ? [{ kind: "add_check", ...on, check: kept } as const] : []),
        ];
      }
      case "index": {
        const index = from.indexes.find((i) => i.name === caller.name);
        const kept = to.indexes.find((i) => i.name === name);
        if (!index) return [];
        return [
          { kind: "drop_index", ...on, index: { ...index, name } },
          ...(kept ? [{ kind: "create_index", ...on, index: kept } as const] : []),
        ];
      }
    }
  });
}

/** New names by `table s.t`, `default|check|index s.t.name` (old table name). */
function renamesOf(ops: readonly Operation[]): Map<string, string> {
  const tables = new Map<string, string>();
  for (const op of ops) if (op.kind === "rename_table") tables.set(`${op.schema}.${op.to}`, op.from);
  const old = (schema: string, table: string) => tables.get(`${schema}.${table}`) ?? table;
  const renames = new Map<string, string>();
  for (const op of ops) {
    if (op.kind === "rename_table") renames.set(`table ${op.schema}.${op.from}`, op.to);
    const at = "table" in op ? `${op.schema}.${old(op.schema, op.table)}` : "";
    if (op.kind === "rename_column") renames.set(`default ${at}.${op.from}`, op.to);
    if (op.kind === "rename_constraint") renames.set(`check ${at}.${op.from}`, op.to);
    if (op.kind === "rename_index") renames.set(`index ${at}.${op.from}`, op.to);
  }
  return renames;
}

/** The plan drops the caller itself (its column, or the check or index, which it then creates as it wants it). */
function goneAlready(ops: readonly Operation[], caller: RoutineCaller, table: string, name: string): boolean {
  const named = (n: string) => n === caller.name || n === name;
  return ops.some((op) => {
    if (!("table" in op) || op.schema !== caller.schema) return false;
    if (op.kind === "drop_table") return op.table === caller.table;
    if (op.table !== table) return false;
    switch (caller.kind) {
      case "default":
      case "generated":
        return op.kind === "drop_column" && named(op.column.name);
      case "check":
        return op.kind === "drop_check" && named(op.check.name);
      case "index":
        return op.kind === "drop_index" && named(op.index.name);
    }
  });
}

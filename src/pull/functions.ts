/** Pulled functions and procedures → DSL data, each after what it calls. */
import type { FunctionArgument, FunctionDefinition, ProcedureDefinition } from "../config/dsl.ts";
import type { DbObject } from "../model/objects.ts";
import type { RoutineObject } from "../model/objects/function.ts";
import { joinQualified } from "../model/qualified.ts";
import { dependencyFirst } from "./views.ts";

/** `search_path=public, "My Schema"` → `["public", "My Schema"]`; `""` alone → `""`. */
function searchPath(value: string): string[] | "" {
  const parts = (value.match(/"(?:[^"]|"")*"|[^,\s]+/g) ?? [])
    .map((p) => (p.startsWith('"') ? p.slice(1, -1).replaceAll('""', '"') : p));
  return parts.length === 1 && parts[0] === "" ? "" : parts;
}

function settings(r: RoutineObject): Pick<FunctionDefinition, "searchPath" | "set"> {
  const set: Record<string, string> = {};
  let path: string[] | "" | undefined;
  for (const entry of r.settings) {
    const at = entry.indexOf("=");
    const [name, value] = [entry.slice(0, at), entry.slice(at + 1)];
    if (name === "search_path") path = searchPath(value);
    else set[name] = value;
  }
  return { ...(path !== undefined ? { searchPath: path } : {}), ...(Object.keys(set).length > 0 ? { set } : {}) };
}

export function pullRoutine(r: RoutineObject): FunctionDefinition | ProcedureDefinition {
  const args = r.arguments.map((a): FunctionArgument => ({
    ...(a.name !== undefined ? { name: a.name } : {}),
    type: a.type,
    ...(a.mode !== undefined ? { mode: a.mode } : {}),
    ...(a.default !== undefined ? { default: a.default } : {}),
  }));
  const common = {
    name: joinQualified(r.schema, r.name),
    ...(args.length > 0 ? { args } : {}),
  };
  const rest = {
    language: r.language,
    body: r.body,
    ...(r.securityDefiner ? { securityDefiner: true } : {}),
    ...settings(r),
    ...(r.comment !== undefined ? { comment: r.comment } : {}),
  };
  if (r.kind === "procedure") return { kind: "procedure", ...common, ...rest };
  const returnsSet = /^(SETOF |TABLE\()/.test(r.returns);
  return {
    kind: "function",
    ...common,
    returns: r.returns,
    ...rest,
    ...(r.volatility !== "volatile" ? { volatility: r.volatility } : {}),
    ...(r.strict ? { strict: true } : {}),
    ...(r.leakproof ? { leakproof: true } : {}),
    ...(r.parallel !== "unsafe" ? { parallel: r.parallel } : {}),
    ...(r.cost !== undefined && r.cost !== 100 ? { cost: r.cost } : {}),
    ...(returnsSet && r.rows !== undefined && r.rows !== 1000 ? { rows: r.rows } : {}),
  };
}

export function pullRoutines(objects: readonly DbObject[]): (FunctionDefinition | ProcedureDefinition)[] {
  const routines = objects.filter((o): o is RoutineObject => o.kind === "function" || o.kind === "procedure");
  return dependencyFirst(routines).map(pullRoutine);
}

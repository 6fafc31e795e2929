/** Pulled functions, procedures and triggers as `defineFunction`/`defineProcedure`/`defineTrigger` calls. */
import type { FunctionDefinition, ProcedureDefinition, TriggerDefinition } from "../config/dsl.ts";
import { call, type Doc, object, text } from "./layout.ts";
import { key, sqlText, str, value } from "./render_values.ts";

export function routineDoc(r: FunctionDefinition | ProcedureDefinition): Doc {
  const { kind, name, ...options } = r;
  const entries = Object.entries(options).filter(([, v]) => v !== undefined)
    .map(([k, v]): [string, Doc] => [key(k), k === "body" ? sqlText(v as string) : value(v)]);
  return call(kind === "function" ? "defineFunction" : "defineProcedure", str(name), object(entries));
}

/** `variable(name)`: the variable of a pulled table or function (a trigger function takes no arguments). */
export function triggerDoc(t: TriggerDefinition, variable: (name: string) => string | undefined): Doc {
  const { kind: _k, name, table, function: fn, ...options } = t;
  const named = (n: string) => (variable(n) !== undefined ? text(variable(n)!) : str(n));
  const entries: [string, Doc][] = Object.entries(options).map(([k, v]): [string, Doc] => [key(k), value(v)]);
  const tableName = typeof table === "string" ? table : table.name;
  const fnName = typeof fn === "string" ? fn : fn.name;
  return call(
    "defineTrigger",
    str(name),
    object([["table", named(tableName)], ["function", named(fnName)], ...entries]),
  );
}

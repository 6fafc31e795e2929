/** Functions and procedures: CREATE [OR REPLACE], DROP, COMMENT. */
import { type FunctionObject, isStandardBody, type RoutineObject } from "../../../../model/objects/function.ts";
import { dollarQuote, ident, literal, qualified } from "../../quote.ts";
import type { ObjectCompiler } from "../object_compiler.ts";

const signature = (r: RoutineObject) => `${qualified(r.schema, r.name)}(${r.identityArguments})`;
const what = (r: RoutineObject) => (r.kind === "procedure" ? "PROCEDURE" : "FUNCTION");

const argumentList = (r: RoutineObject) =>
  r.arguments.map((a) =>
    [
      a.mode?.toUpperCase(),
      a.name !== undefined ? ident(a.name) : undefined,
      a.type,
      a.default && `DEFAULT ${a.default}`,
    ]
      .filter((p) => p !== undefined && p !== "")
      .join(" ")
  ).join(", ");

/** `search_path=public, "My Schema"` → `SET search_path TO 'public', 'My Schema'`, as pg_get_functiondef writes it. */
function setting(entry: string): string {
  const at = entry.indexOf("=");
  const [name, value] = [entry.slice(0, at), entry.slice(at + 1)];
  if (name !== "search_path") return `SET ${name} TO ${literal(value)}`;
  // `set: { search_path: "" }` holds no part at all: the empty path, as PostgreSQL then stores it (`""`).
  const parts = value.match(/"(?:[^"]|"")*"|[^,\s]+/g) ?? ['""'];
  const unquote = (p: string) => (p.startsWith('"') ? p.slice(1, -1).replaceAll('""', '"') : p);
  return `SET search_path TO ${parts.map((p) => literal(unquote(p))).join(", ")}`;
}

function functionAttributes(f: FunctionObject): string[] {
  return [
    ...(f.volatility !== "volatile" ? [f.volatility.toUpperCase()] : []),
    ...(f.strict ? ["STRICT"] : []),
    ...(f.leakproof ? ["LEAKPROOF"] : []),
    ...(f.parallel !== "unsafe" ? [`PARALLEL ${f.parallel.toUpperCase()}`] : []),
    ...(f.cost !== undefined ? [`COST ${f.cost}`] : []),
    ...(f.rows !== undefined && f.rows !== 0 ? [`ROWS ${f.rows}`] : []),
  ];
}

function createRoutine(r: RoutineObject, replace: boolean): string {
  const lines = [
    `CREATE${replace ? " OR REPLACE" : ""} ${what(r)} ${qualified(r.schema, r.name)}(${argumentList(r)})`,
    ...(r.kind === "function" && r.returns !== "" ? [`RETURNS ${r.returns}`] : []),
    `LANGUAGE ${ident(r.language)}`,
    ...(r.kind === "function" ? functionAttributes(r) : []),
    ...(r.securityDefiner ? ["SECURITY DEFINER"] : []),
    ...r.settings.map(setting),
    isStandardBody(r.language, r.body) ? r.body : `AS ${dollarQuote(r.body)}`,
  ];
  return lines.join("\n");
}

const comment = (r: RoutineObject) =>
  `COMMENT ON ${what(r)} ${signature(r)} IS ${r.comment !== undefined ? literal(r.comment) : "NULL"}`;

/** Settings in any order are the same (see `routineChange`). */
const bodyChanged = (from: RoutineObject, to: RoutineObject) => {
  const { comment: _a, dependsOn: _b, ...x } = from;
  const { comment: _c, dependsOn: _d, ...y } = to;
  const normal = (r: typeof x) => JSON.stringify({ ...r, settings: [...r.settings].sort() });
  return normal(x) !== normal(y);
};

export const routineCompiler: ObjectCompiler<RoutineObject> = {
  create: (r) => [createRoutine(r, false), ...(r.comment !== undefined ? [comment(r)] : [])],
  drop: (r) => [`DROP ${what(r)} ${signature(r)}`],
  alter: (from, to) => [
    ...(bodyChanged(from, to) ? [createRoutine(to, true)] : []),
    ...(from.comment !== to.comment ? [comment(to)] : []),
  ],
};

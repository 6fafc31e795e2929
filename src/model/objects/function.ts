/**
 * Functions and procedures. Identity is the name and the argument list as
 * `pg_get_function_identity_arguments` prints it (overloads are distinct
 * objects); the rest is compared as the catalog holds it after a scratch build.
 */
import type { ValidRoutine } from "../../config/routines_schema.ts";
import { quoteIdent } from "../names.ts";
import { type ObjectBase, tableId } from "../object_base.ts";
import { checkIdentifier, splitQualified } from "../qualified.ts";

export interface FunctionArgument {
  readonly name?: string;
  /** As `format_type` spells it (the user's spelling until the scratch build). */
  readonly type: string;
  /** Absent for IN. */
  readonly mode?: "out" | "inout" | "variadic";
  /** SQL, as `pg_get_function_arg_default` prints it. */
  readonly default?: string;
}

interface RoutineFields extends ObjectBase {
  /** `a integer, b text`, as `pg_get_function_identity_arguments` prints it: part of the identity. */
  readonly identityArguments: string;
  /** Every argument but a `RETURNS TABLE` column, in order. */
  readonly arguments: readonly FunctionArgument[];
  readonly language: string;
  /** `prosrc` exactly, or a SQL-standard body (`RETURN ...`, `BEGIN ATOMIC ... END`) as PostgreSQL prints it. */
  readonly body: string;
  readonly securityDefiner: boolean;
  /** `proconfig`: `search_path=public, pg_temp`, ... */
  readonly settings: readonly string[];
}

export interface FunctionObject extends RoutineFields {
  readonly kind: "function";
  /** As `pg_get_function_result` prints it: `integer`, `SETOF users`, `TABLE(id integer)`. */
  readonly returns: string;
  readonly volatility: "volatile" | "stable" | "immutable";
  readonly strict: boolean;
  readonly leakproof: boolean;
  readonly parallel: "unsafe" | "restricted" | "safe";
  /** Absent until the scratch build when the config leaves PostgreSQL's default. */
  readonly cost?: number;
  readonly rows?: number;
}

export interface ProcedureObject extends RoutineFields {
  readonly kind: "procedure";
}

export type RoutineObject = FunctionObject | ProcedureObject;

/** A SQL-standard body is written bare; any other is a string constant. */
export const isStandardBody = (language: string, body: string) =>
  language === "sql" && /^\s*(return\b|begin\s+atomic\b)/i.test(body);

/** `search_path=public, "My Schema"` as `proconfig` holds it (`""` for an empty path). */
function searchPathSetting(path: readonly string[] | ""): string {
  const parts = path === "" ? [""] : path;
  return `search_path=${parts.map((p) => (p === "" ? '""' : quoteIdent(p))).join(", ")}`;
}

const identity = (args: readonly FunctionArgument[], procedure: boolean) =>
  args.filter((a) => procedure || a.mode !== "out")
    .map((a) => [a.mode?.toUpperCase(), a.name !== undefined ? quoteIdent(a.name) : undefined, a.type])
    .map((parts) => parts.filter((p) => p !== undefined).join(" "))
    .join(", ");

/**
 * `routine` after `ALTER TABLE schema.from RENAME TO to`: PostgreSQL renames
 * the table's row type with it, so arguments and results of that type now
 * print the new name (`t` or `schema.t`, as `format_type` spells it, in
 * arrays and `SETOF` too). The identity is rebuilt from the arguments, so an
 * argument named like the table keeps its name.
 */
export function withRenamedRowType(routine: RoutineObject, schema: string, from: string, to: string): RoutineObject {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const qualifier = `(?:${escape(quoteIdent(schema))}\\.)?`;
  const pattern = new RegExp(`(?<![\\w$."])(${qualifier})${escape(quoteIdent(from))}(?![\\w$"])`, "g");
  const rename = (type: string) => type.replace(pattern, (_, prefix: string) => `${prefix}${quoteIdent(to)}`);
  const args = routine.arguments.map((a) => ({ ...a, type: rename(a.type) }));
  const changed = args.some((a, i) => a.type !== routine.arguments[i].type);
  const identityArguments = changed ? identity(args, routine.kind === "procedure") : routine.identityArguments;
  return routine.kind === "function"
    ? { ...routine, arguments: args, identityArguments, returns: rename(routine.returns) }
    : { ...routine, arguments: args, identityArguments };
}

/**
 * The tables a routine reads, as far as the config shows before the scratch
 * build reads them from `pg_depend`: a table's row type as an argument or
 * result, or any table for a SQL-standard body. It orders the build.
 */
function readTables(r: ValidRoutine, tables: readonly string[]): string[] {
  if (isStandardBody(r.language.toLowerCase(), r.body)) return tables.map((t) => tableId(...splitQualified(t)));
  const types = [r.kind === "function" ? r.returns : undefined, ...(r.args ?? []).map((a) => a.type)]
    .filter((t) => t !== undefined)
    .map((t) => t.trim().replace(/^setof\s+/i, "").replace(/(\[\])+$/, ""));
  return tables.filter((t) => types.includes(t)).map((t) => tableId(...splitQualified(t)));
}

/**
 * The config's functions and procedures, before the scratch build puts them
 * in catalog form. `tables`: the config's table names.
 */
export function desiredRoutines(
  routines: readonly ValidRoutine[],
  tables: readonly string[],
  path = "functions",
): RoutineObject[] {
  return routines.map((r, i): RoutineObject => {
    const reads = readTables(r, tables);
    const [schema, name] = splitQualified(r.name, `${path}[${i}].name`);
    checkIdentifier(`${path}[${i}].name`, name);
    const args = (r.args ?? []).map((a): FunctionArgument => ({
      ...(a.name !== undefined ? { name: a.name } : {}),
      type: a.type,
      ...(a.mode !== undefined && a.mode !== "in" ? { mode: a.mode } : {}),
      ...(a.default !== undefined ? { default: a.default } : {}),
    }));
    const base = {
      schema,
      name,
      identityArguments: identity(args, r.kind === "procedure"),
      arguments: args,
      language: r.language.toLowerCase(),
      body: r.body,
      securityDefiner: r.securityDefiner ?? false,
      settings: [
        ...(r.searchPath !== undefined ? [searchPathSetting(r.searchPath)] : []),
        ...Object.entries(r.set ?? {}).map(([k, v]) => `${k}=${v}`),
      ],
      ...(r.comment !== undefined ? { comment: r.comment } : {}),
      ...(reads.length > 0 ? { dependsOn: reads } : {}),
    };
    if (r.kind === "procedure") return { kind: "procedure", ...base };
    return {
      kind: "function",
      ...base,
      returns: r.returns ?? "",
      volatility: r.volatility ?? "volatile",
      strict: r.strict ?? false,
      leakproof: r.leakproof ?? false,
      parallel: r.parallel ?? "unsafe",
      ...(r.cost !== undefined ? { cost: r.cost } : {}),
      ...(r.rows !== undefined ? { rows: r.rows } : {}),
    };
  });
}

/**
 * A default, generated column, check or index of a table that calls a routine (`pg_depend`):
 * PostgreSQL refuses to drop the routine under it, so a plan that drops the
 * routine takes it off first and, when the config keeps it, puts it back
 * once the routine's replacement exists.
 */
export interface RoutineCaller {
  /** The routine's {@link objectId}. */
  readonly routine: string;
  /** `generated`: a stored generated column's expression (the column is rebuilt, its values computed anew). */
  readonly kind: "default" | "generated" | "check" | "index";
  readonly schema: string;
  readonly table: string;
  /** The column of a default, the name of a check or index. */
  readonly name: string;
}

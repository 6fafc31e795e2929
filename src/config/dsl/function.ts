/** Functions and procedures: `defineFunction(name, options)`, `defineProcedure(name, options)`. */

/** One argument; `mode` defaults to `"in"`, `default` is SQL (`"1"`, `"now()"`). */
export interface FunctionArgument {
  name?: string;
  /** `"integer"`, `"text[]"`, `"users"`, ... */
  type: string;
  mode?: "in" | "out" | "inout" | "variadic";
  default?: string;
}

export interface RoutineOptions {
  args?: FunctionArgument[];
  /** `"sql"`, `"plpgsql"`, ... */
  language: string;
  /**
   * The body, kept exactly as written (it is compared as PostgreSQL stores
   * it). A SQL-standard body (`"return a + b"`, `"begin atomic ... end"`) is
   * written as such, and compared as PostgreSQL prints it back.
   */
  body: string;
  securityDefiner?: boolean;
  /** `SET search_path`: `["public", "pg_temp"]`, or `""` for an empty one. */
  searchPath?: string[] | "";
  /** Other settings the function runs with: `{ statement_timeout: "5s" }`. */
  set?: Record<string, string>;
  comment?: string;
}

export interface FunctionOptions extends RoutineOptions {
  /**
   * `"integer"`, `"setof users"`, `"table(id integer, name text)"`,
   * `"trigger"`, `"void"`; omit it when OUT arguments give the result.
   */
  returns?: string;
  /** Default `"volatile"`. */
  volatility?: "volatile" | "stable" | "immutable";
  /** `RETURNS NULL ON NULL INPUT`. */
  strict?: boolean;
  leakproof?: boolean;
  /** Default `"unsafe"`. */
  parallel?: "unsafe" | "restricted" | "safe";
  /** Planner estimates: default 100, and 1000 rows for a set-returning function. */
  cost?: number;
  rows?: number;
}

export interface FunctionDefinition extends FunctionOptions {
  readonly kind: "function";
  readonly name: string;
}

export interface ProcedureDefinition extends RoutineOptions {
  readonly kind: "procedure";
  readonly name: string;
}

/**
 * `defineFunction("add", { args: [{ name: "a", type: "int" }], returns: "int", language: "sql", body: "select a + 1" })`;
 * `"billing.add"` for a schema. Overloads (same name, other argument types) are separate functions.
 */
export function defineFunction(name: string, options: FunctionOptions): FunctionDefinition {
  return { kind: "function", name, ...options };
}

/** `defineProcedure("archive", { args: [...], language: "plpgsql", body: "begin ... end" })`: run with CALL. */
export function defineProcedure(name: string, options: RoutineOptions): ProcedureDefinition {
  return { kind: "procedure", name, ...options };
}

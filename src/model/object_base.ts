/**
 * What every object other than a table shares, and its identity: the leaf
 * the per-kind model modules build on (objects.ts gathers them).
 */
import { dslPart } from "./qualified.ts";

/** Every object kind; objects.ts checks that `DbObject` has exactly these. */
export type ObjectKind =
  | "view"
  | "materialized_view"
  | "policy"
  | "domain"
  | "extension"
  | "sequence"
  | "function"
  | "procedure"
  | "trigger";

/** What every object carries. */
export interface ObjectBase {
  readonly schema: string;
  readonly name: string;
  readonly comment?: string;
  /**
   * The objects and tables it reads ({@link objectId}s and `table:` ids), as
   * `pg_depend` reports them: they are created before it and, when they
   * change shape, it is dropped and created again with them.
   */
  readonly dependsOn?: readonly string[];
}

/** What names an object: its kind, schema and name, the table of a trigger or policy, a function's argument types. */
export interface ObjectIdentity {
  readonly kind: ObjectKind;
  readonly schema: string;
  readonly name: string;
  /** Triggers and policies belong to a table. */
  readonly table?: string;
  /** Functions: the identity argument types, as `pg_get_function_identity_arguments` prints them. */
  readonly identityArguments?: string;
}

/**
 * The one place an object's identity is spelled: `view:public.active_users`,
 * `trigger:public.users.touch`, `function:public.add(integer, integer)`.
 */
export function objectId(object: ObjectIdentity): string {
  // Extensions are database-wide: their name alone is their identity.
  if (object.kind === "extension") return `extension:${object.name}`;
  // Parts that hold a dot are quoted: trigger `b.c` on `a` is not trigger `c` on `a.b`, nor view `a.b`.`c` `a`.`b.c`.
  if (object.table !== undefined) {
    return `${object.kind}:${dslPart(object.schema)}.${dslPart(object.table)}.${dslPart(object.name)}`;
  }
  const args = object.identityArguments !== undefined ? `(${object.identityArguments})` : "";
  return `${object.kind}:${dslPart(object.schema)}.${dslPart(object.name)}${args}`;
}

export const tableId = (schema: string, table: string): string => `table:${dslPart(schema)}.${dslPart(table)}`;

/** `view public.active_users`, for plans and errors. */
export function describeObject(object: ObjectIdentity): string {
  if (object.kind === "extension") return `extension ${object.name}`;
  const args = object.identityArguments !== undefined ? `(${object.identityArguments})` : "";
  const on = object.table !== undefined ? ` on ${object.schema}.${object.table}` : "";
  return object.table !== undefined
    ? `${object.kind.replaceAll("_", " ")} ${object.name}${on}`
    : `${object.kind.replaceAll("_", " ")} ${object.schema}.${object.name}${args}`;
}

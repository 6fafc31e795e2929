/**
 * Database objects other than tables and types (views, functions, triggers,
 * policies, extensions, sequences, domains): each kind has its own plain,
 * readonly model type under `objects/`, and every layer handles one kind per
 * module through exhaustive `Record<ObjectKind, ...>` tables.
 */
import type { MaterializedViewObject, ViewObject } from "./objects/view.ts";

export type { MaterializedViewObject, ViewObject };

export type DbObject = ViewObject | MaterializedViewObject;

export type ObjectKind = DbObject["kind"];

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

/** The one place an object's identity is spelled: `view:public.active_users`. */
export function objectId(object: Pick<DbObject, "kind" | "schema" | "name">): string {
  return `${object.kind}:${object.schema}.${object.name}`;
}

export const tableId = (schema: string, table: string): string => `table:${schema}.${table}`;

/** `view public.active_users`, for plans and errors. */
export function describeObject(object: Pick<DbObject, "kind" | "schema" | "name">): string {
  return `${object.kind.replaceAll("_", " ")} ${object.schema}.${object.name}`;
}

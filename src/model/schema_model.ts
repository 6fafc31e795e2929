/** The whole model, both sides of every diff: what a database holds of what kyrage manages. */
import type { DbObject } from "./objects.ts";
import type { CompositeType, EnumType, RangeType, Table } from "./types.ts";

/** A whole schema: every object kyrage manages, sorted by qualified name. */
export interface SchemaModel {
  /** The PostgreSQL schemas (namespaces) this model covers. */
  readonly schemas: readonly string[];
  readonly enums: readonly EnumType[];
  readonly tables: readonly Table[];
  /** Composite types (`CREATE TYPE ... AS (...)`). */
  readonly composites: readonly CompositeType[];
  /** Range types (`CREATE TYPE ... AS RANGE (...)`). */
  readonly ranges: readonly RangeType[];
  /** Views, functions, triggers, policies, ... (see objects.ts). */
  readonly objects: readonly DbObject[];
}

/** Nothing but the default schema: what an empty database holds. */
export const EMPTY_MODEL: SchemaModel = {
  schemas: ["public"],
  enums: [],
  tables: [],
  composites: [],
  ranges: [],
  objects: [],
};

/**
 * Live database → actual schema model, expressions in the catalog's own
 * text (the differ compares normal forms). One set-based catalog query per
 * concern, each in its own module under `introspect/`, whatever the number
 * of tables; the independent ones run at once.
 */
import { sql } from "kysely";
import { sortModel } from "../../model/sort.ts";
import type { SchemaModel } from "../../model/schema_model.ts";
import { introspectComposites } from "./introspect/composites.ts";
import { introspectConstraints } from "./introspect/constraints.ts";
import { introspectEnums } from "./introspect/enums.ts";
import { introspectIndexes } from "./introspect/indexes.ts";
import { introspectObjects } from "./introspect/objects.ts";
import { introspectPartitions } from "./introspect/partitions.ts";
import { introspectRanges } from "./introspect/ranges.ts";
import { allQueries, type Db, type Scope, scopeOf } from "./introspect/scope.ts";
import { scopeIsEmpty } from "./introspect/empty.ts";
import { introspectExtensions } from "./introspect/extensions.ts";
import { introspectTables } from "./introspect/tables.ts";

export { unknownTypes } from "./introspect/types.ts";

export interface IntrospectOptions {
  /** The schemas to cover; nothing outside them is reported. */
  readonly schemas: readonly string[];
  /** Tables to leave out, as qualified names (kyrage's own history table). */
  readonly excludeTables?: readonly string[];
  /** Extensions to report even when installed outside those schemas: the declared ones, to move rather than create. */
  readonly extensions?: readonly string[];
}

export async function introspect(db: Db, options: IntrospectOptions): Promise<SchemaModel> {
  const scope = scopeOf(options.schemas, options.extensions);
  if (!(await scopeIsEmpty(db, scope))) return await introspectCatalogs(db, options);
  const [schemas, extensions] = await allQueries([schemaNames(db, scope), introspectExtensions(db, scope)]);
  return sortModel({ schemas, enums: [], tables: [], composites: [], ranges: [], objects: extensions });
}

const schemaNames = async (db: Db, scope: Scope) =>
  (await sql<{ name: string }>`select n.nspname::text as name from pg_namespace n where ${scope.inSchemas}`.execute(db))
    .rows.map((r) => r.name);

/** Every catalog query, whatever the schemas hold. */
export async function introspectCatalogs(db: Db, options: IntrospectOptions): Promise<SchemaModel> {
  const scope = scopeOf(options.schemas, options.extensions);
  const [schemas, tables, addConstraints, addIndexes, addPartitions, enums, composites, ranges, objects] =
    await allQueries([
      schemaNames(db, scope),
      introspectTables(db, scope),
      introspectConstraints(db, scope),
      introspectIndexes(db, scope),
      introspectPartitions(db, scope),
      introspectEnums(db, scope),
      introspectComposites(db, scope),
      introspectRanges(db, scope),
      introspectObjects(db, scope),
    ]);
  addConstraints(tables);
  addIndexes(tables);
  addPartitions(tables);
  for (const excluded of options.excludeTables ?? []) tables.delete(excluded);
  return sortModel({
    schemas,
    enums,
    tables: [...tables.values()],
    composites,
    ranges,
    objects,
  });
}

/**
 * The config's composite and range types inside the planning scratch
 * transaction (see normalize_db.ts): each is created as the config declares
 * it, after the types it uses, an existing one of that name renamed aside
 * first, so defaults and expressions using it normalize against the desired
 * definition. Read back with the introspector, they also give the desired
 * types in the catalog's own normal form (a default operator class named
 * explicitly, function and type spellings) and prove PostgreSQL accepts
 * them before anything is written.
 */
import { CompiledQuery, type Kysely } from "kysely";
import { KyrageError, messageOf } from "../../errors.ts";
import { typeDependencyOrder } from "../../model/type_names.ts";
import type { CompositeType, RangeType, SchemaModel } from "../../model/types.ts";
import { qualifiedName } from "../../model/types.ts";
import { compileOperation } from "./compile.ts";
import { introspectComposites } from "./introspect/composites.ts";
import { introspectRanges } from "./introspect/ranges.ts";
import { allQueries, scopeOf } from "./introspect/scope.ts";
import { doBlock, ident, literal, qualified } from "./quote.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

export const hasUserTypes = (model: SchemaModel) => model.composites.length + model.ranges.length > 0;

/**
 * PL/pgSQL creating one type. An existing composite or range of its name is
 * renamed aside first, a range with its multirange and their constructor
 * functions (which would clash with the new ones).
 */
function setup(type: CompositeType | RangeType, i: number): string {
  const name = literal(qualified(type.schema, type.name));
  const [create] = "definition" in type
    ? compileOperation({ kind: "create_range_type", schema: type.schema, name: type.name, definition: type.definition })
    : compileOperation({
      kind: "create_composite_type",
      schema: type.schema,
      name: type.name,
      attributes: type.attributes,
    });
  const renameAside = `EXECUTE ${
    literal(`ALTER TYPE ${qualified(type.schema, type.name)} RENAME TO ${ident(`kyrage_scratch_type_${i}`)}`)
  };`;
  const multirange = `(SELECT rngmultitypid FROM pg_range WHERE rngtypid = to_regtype(${name}))`;
  return `IF ${multirange} IS NOT NULL THEN ` +
    `FOR f IN SELECT p.oid, p.oid::regprocedure::text AS signature FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid ` +
    `WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'i' AND d.refclassid = 'pg_type'::regclass ` +
    `AND d.refobjid IN (to_regtype(${name}), ${multirange}) LOOP ` +
    `EXECUTE format('ALTER FUNCTION %s RENAME TO %I', f.signature, 'kyrage_scratch_function_' || f.oid); END LOOP; ` +
    `EXECUTE format('ALTER TYPE %s RENAME TO %I', ${multirange}::regtype, ` +
    `${literal(`kyrage_scratch_multirange_${i}`)}); ${renameAside} ` +
    `ELSIF EXISTS (SELECT 1 FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid ` +
    `WHERE t.oid = to_regtype(${name}) AND c.relkind = 'c') THEN ${renameAside} END IF; ` +
    // A name held by anything else is left alone: the planner reports it (blockers.ts).
    `IF to_regtype(${name}) IS NULL THEN EXECUTE ${literal(create)}; END IF;`;
}

/**
 * Create the desired composite and range types on `conn` (inside the
 * caller's transaction) and return them as PostgreSQL normalized them.
 */
export async function createUserTypes(
  db: Db,
  desired: SchemaModel,
): Promise<Pick<SchemaModel, "composites" | "ranges">> {
  const types = typeDependencyOrder<CompositeType | RangeType>([...desired.ranges, ...desired.composites], (t) => t);
  const body = types.map(setup).join(" ");
  try {
    await db.executeQuery(CompiledQuery.raw(doBlock(`DECLARE f record; BEGIN ${body} END`)));
  } catch (error) {
    throw new KyrageError(
      `PostgreSQL rejects a composite or range type of the config: ${messageOf(error)}. Nothing was planned.`,
      { cause: error },
    );
  }
  const [composites, ranges] = await allQueries([
    introspectComposites(db, scopeOf(desired.schemas)),
    introspectRanges(db, scopeOf(desired.schemas)),
  ]);
  const normal = new Map<string, CompositeType | RangeType>(
    [...composites, ...ranges].map((t) => [qualifiedName(t.schema, t.name), t]),
  );
  const normalized = <T extends CompositeType | RangeType>(t: T): T => {
    const found = normal.get(qualifiedName(t.schema, t.name));
    return found && ("definition" in found) === ("definition" in t) ? found as T : t;
  };
  return { composites: desired.composites.map(normalized), ranges: desired.ranges.map(normalized) };
}

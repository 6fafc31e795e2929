/**
 * The config's composite and range types inside the planning scratch
 * transaction (see normalize_db.ts): each missing or different one is
 * created as the config declares it, after the types it uses, an existing
 * one of that name renamed aside first, so defaults and expressions using it
 * normalize against the desired definition. Read back with the introspector, they also give the desired
 * types in the catalog's own normal form (a default operator class named
 * explicitly, function and type spellings) and prove PostgreSQL accepts
 * them before anything is written. Domains over these types are created
 * among them, in dependency order, when missing.
 */
import { CompiledQuery, type Kysely } from "kysely";
import { KyrageError, messageOf } from "../../errors.ts";
import { definedTypes, type DependentType, typeDependencyOrder, usedTypes } from "../../model/type_names.ts";
import type { DomainObject } from "../../model/objects/domain.ts";
import { rangeSignature } from "../../diff/range_types.ts";
import type { CompositeType, RangeType } from "../../model/types.ts";
import type { SchemaModel } from "../../model/schema_model.ts";
import { qualifiedName } from "../../model/types.ts";
import { compileOperation } from "./compile.ts";
import { domainSetup } from "./compile/objects/domains.ts";
import { introspectComposites } from "./introspect/composites.ts";
import { introspectRanges } from "./introspect/ranges.ts";
import { allQueries, scopeOf } from "./introspect/scope.ts";
import { doBlock, ident, literal, qualified } from "./quote.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

export const hasUserTypes = (model: SchemaModel) => model.composites.length + model.ranges.length > 0;

/** The config's domains over its composite or range types (or over such a domain): created with those types. */
export function domainsOverUserTypes(model: SchemaModel): DomainObject[] {
  const late = new Set([...model.composites, ...model.ranges].flatMap(definedTypes));
  const domains = model.objects.filter((o): o is DomainObject => o.kind === "domain");
  return typeDependencyOrder<DomainObject>(domains, (d) => d).filter((d) => {
    const uses = usedTypes(d).some((t) => late.has(t));
    if (uses) late.add(definedTypes(d)[0]);
    return uses;
  });
}

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

/** What a type is, without its name, for comparing a desired type with an existing one. */
const signature = (t: CompositeType | RangeType) =>
  "definition" in t ? `range ${rangeSignature(t.definition)}` : `composite ${JSON.stringify(t.attributes)}`;

async function readTypes(db: Db, schemas: readonly string[]): Promise<Map<string, CompositeType | RangeType>> {
  const [composites, ranges] = await allQueries([
    introspectComposites(db, scopeOf(schemas)),
    introspectRanges(db, scopeOf(schemas)),
  ]);
  return new Map([...composites, ...ranges].map((t) => [qualifiedName(t.schema, t.name), t]));
}

/**
 * Create the desired composite and range types on `db` (inside the caller's
 * transaction, after the enums) and return them as PostgreSQL normalized
 * them. A type that already exists as desired is left alone (no lock, no
 * ownership needed), unless a type it uses is created anew. An existing
 * type using an enum renamed aside reads as different, so it is too.
 */
export async function createUserTypes(
  db: Db,
  desired: SchemaModel,
): Promise<Pick<SchemaModel, "composites" | "ranges">> {
  const existing = await readTypes(db, desired.schemas);
  const created = new Set<string>();
  const types: DependentType[] = [...desired.ranges, ...desired.composites, ...domainsOverUserTypes(desired)];
  const todo = typeDependencyOrder(types, (t) => t)
    .filter((t) => {
      // A domain is created only when missing (domainSetup): one that exists is what the types were built with.
      if ("kind" in t) return true;
      const have = existing.get(qualifiedName(t.schema, t.name));
      const create = !have || signature(have) !== signature(t) || usedTypes(t).some((u) => created.has(u));
      if (create) { for (const name of definedTypes(t)) created.add(name); }
      return create;
    });
  if (todo.length > 0) {
    try {
      const statements = todo.map((t, i) => ("kind" in t ? domainSetup([t]).join(" ") : setup(t, i)));
      await db.executeQuery(CompiledQuery.raw(doBlock(`DECLARE f record; BEGIN ${statements.join(" ")} END`)));
    } catch (error) {
      throw new KyrageError(
        `PostgreSQL rejects a composite or range type of the config: ${messageOf(error)}. Nothing was planned.`,
        { cause: error },
      );
    }
  }
  const normal = todo.length > 0 ? await readTypes(db, desired.schemas) : existing;
  const normalized = <T extends CompositeType | RangeType>(t: T): T => {
    const found = normal.get(qualifiedName(t.schema, t.name));
    return found && ("definition" in found) === ("definition" in t) ? found as T : t;
  };
  return { composites: desired.composites.map(normalized), ranges: desired.ranges.map(normalized) };
}

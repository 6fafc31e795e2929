/**
 * The config's functions and procedures, made in the scratch transaction of
 * `normalize_db.ts` so that defaults, checks and index expressions may call
 * those this change creates. Bodies are not checked (they may read tables
 * made later); a SQL-standard body, which PostgreSQL always checks, is
 * replaced by a stand-in when it reads what does not exist yet. The live
 * routines of the same name are renamed aside first
 * (a rename locks no table), so that a call resolves as it will after the
 * migration, not to an overload the migration drops. When a routine of a
 * name cannot be made yet (it returns a table's row type), that name keeps
 * its live routines and the others are made one by one: the objects' own
 * scratch build (normalize_objects.ts) reports what PostgreSQL rejects.
 */
import type { DbObject } from "../../model/objects.ts";
import type { SchemaModel } from "../../model/schema_model.ts";
import { compileOperation } from "./compile.ts";
import { doBlock, literal } from "./quote.ts";

/** PL/pgSQL renaming every live routine `schema.name` (not an extension's) to a name nothing calls. */
function renameAside(schema: string, name: string): string {
  return `FOR r IN SELECT p.oid, p.oid::regprocedure::text AS sig FROM pg_proc p ` +
    `JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ${literal(schema)} ` +
    `AND p.proname = ${literal(name)} AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT FROM pg_depend d ` +
    `WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') LOOP ` +
    `EXECUTE format('ALTER ROUTINE %s RENAME TO %I', r.sig, 'kyrage aside ' || r.oid); END LOOP;`;
}

export function routineSetup(desired: SchemaModel): string[] {
  const routines = desired.objects.filter((o) => o.kind === "function" || o.kind === "procedure");
  if (routines.length === 0) return [];
  const byName = new Map<string, DbObject[]>();
  for (const r of routines) {
    const key = JSON.stringify([r.schema, r.name]);
    byName.set(key, [...byName.get(key) ?? [], r]);
  }
  const create = (object: DbObject) => compileOperation({ kind: "create_object", object })[0];
  // Calls resolve on the signature alone: a SQL-standard body reading a table not made yet gets a stand-in
  // body (PL/pgSQL: never inlined, so never checked here).
  const stub = (object: DbObject) =>
    create({ ...object, language: "plpgsql", body: "begin return null; end" } as DbObject);
  const each = [...byName.values()].map((group) => {
    const creates = group.map((o) => `EXECUTE ${literal(create(o))};`).join(" ");
    const oneByOne = group.map((o) =>
      `BEGIN EXECUTE ${literal(create(o))}; EXCEPTION WHEN others THEN ` +
      `BEGIN EXECUTE ${literal(stub(o))}; EXCEPTION WHEN others THEN NULL; END; END;`
    );
    return `BEGIN ${renameAside(group[0].schema, group[0].name)} ${creates} ` +
      `EXCEPTION WHEN others THEN ${oneByOne.join(" ")} END;`;
  });
  return ["SET LOCAL check_function_bodies = off", doBlock(`DECLARE r record; BEGIN ${each.join(" ")} END`)];
}

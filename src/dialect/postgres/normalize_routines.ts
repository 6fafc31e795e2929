/**
 * The config's functions and procedures, made in the scratch transaction of
 * `normalize_db.ts` so that defaults, checks and index expressions may call
 * those this change creates. Bodies are not checked (they may read tables
 * made later), and one that cannot be made yet (it returns a table's row
 * type, or exists already in another form) is left out: the objects' own
 * scratch build (normalize_objects.ts) reports what PostgreSQL rejects.
 */
import type { SchemaModel } from "../../model/types.ts";
import { compileOperation } from "./compile.ts";
import { doBlock, literal } from "./quote.ts";

export function routineSetup(desired: SchemaModel): string[] {
  const routines = desired.objects.filter((o) => o.kind === "function" || o.kind === "procedure");
  if (routines.length === 0) return [];
  const creates = routines.flatMap((object) => compileOperation({ kind: "create_object", object }).slice(0, 1));
  const each = creates.map((s) => `BEGIN EXECUTE ${literal(s)}; EXCEPTION WHEN others THEN NULL; END;`);
  return ["SET LOCAL check_function_bodies = off", doBlock(`BEGIN ${each.join(" ")} END`)];
}

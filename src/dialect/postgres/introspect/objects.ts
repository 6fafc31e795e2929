/** Every object kind's catalog query, run at once: one module per kind. */
import type { DbObject } from "../../../model/objects.ts";
import { allQueries, type Db, type Scope } from "./scope.ts";
import { introspectDomains } from "./domains.ts";
import { introspectPolicies } from "./policies.ts";
import { introspectExtensions } from "./extensions.ts";
import { introspectSequences } from "./sequences.ts";
import { introspectViews } from "./views.ts";
import { introspectRoutines } from "./functions.ts";
import { introspectTriggers } from "./triggers.ts";

const KINDS: readonly ((db: Db, scope: Scope) => Promise<DbObject[]>)[] = [
  introspectViews,
  introspectPolicies,
  introspectDomains,
  introspectExtensions,
  introspectSequences,
  introspectRoutines,
  introspectTriggers,
];

export async function introspectObjects(db: Db, scope: Scope): Promise<DbObject[]> {
  return (await allQueries(KINDS.map((query) => query(db, scope)))).flat();
}

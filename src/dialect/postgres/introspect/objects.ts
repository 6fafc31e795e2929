/** Every object kind's catalog query, run at once: one module per kind. */
import type { DbObject } from "../../../model/objects.ts";
import { allQueries, type Db, type Scope } from "./scope.ts";
import { introspectViews } from "./views.ts";

const KINDS: readonly ((db: Db, scope: Scope) => Promise<DbObject[]>)[] = [introspectViews];

export async function introspectObjects(db: Db, scope: Scope): Promise<DbObject[]> {
  return (await allQueries(KINDS.map((query) => query(db, scope)))).flat();
}

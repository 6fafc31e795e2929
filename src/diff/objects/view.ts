/** How a view or materialized view changes: in place when PostgreSQL allows it, else rebuilt. */
import type { MaterializedViewObject, ViewColumn, ViewObject } from "../../model/objects/view.ts";
import type { ObjectChange } from "../objects.ts";

const sameColumn = (a: ViewColumn, b: ViewColumn) => a.name === b.name && a.type === b.type;

/** CREATE OR REPLACE VIEW keeps every existing column (name and type, in order) and may only append. */
function appendsOnly(from: readonly ViewColumn[], to: readonly ViewColumn[]): boolean {
  return to.length >= from.length && from.every((c, i) => sameColumn(c, to[i]));
}

export function viewChange(from: ViewObject, to: ViewObject): ObjectChange {
  if (from.definition !== to.definition) return appendsOnly(from.columns, to.columns) ? "alter" : "recreate";
  const options = JSON.stringify(from.options) !== JSON.stringify(to.options);
  return options || from.comment !== to.comment ? "alter" : "same";
}

export function materializedViewChange(from: MaterializedViewObject, to: MaterializedViewObject): ObjectChange {
  if (from.definition !== to.definition) return "recreate";
  // `withData` only says how it is created: whether it was refreshed since is the application's business.
  const indexes = JSON.stringify(from.indexes) !== JSON.stringify(to.indexes);
  return indexes || from.comment !== to.comment ? "alter" : "same";
}

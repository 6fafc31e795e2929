/** Pulled views and materialized views → DSL data, each after the ones it reads. */
import type { MaterializedViewDefinition, ViewDefinition } from "../config/dsl.ts";
import { joinQualified } from "../model/qualified.ts";
import { type DbObject, objectId } from "../model/objects.ts";
import { indexInput } from "./indexes.ts";

/** `objects` in dependency order (what an object reads first), stable otherwise. */
export function dependencyFirst<O extends DbObject>(objects: readonly O[]): O[] {
  const byId = new Map(objects.map((o) => [objectId(o), o]));
  const done = new Set<O>();
  const out: O[] = [];
  const visit = (o: O, path: Set<O>) => {
    if (done.has(o) || path.has(o)) return;
    path.add(o);
    for (const id of o.dependsOn ?? []) {
      const before = byId.get(id);
      if (before) visit(before, path);
    }
    done.add(o);
    out.push(o);
  };
  for (const o of objects) visit(o, new Set());
  return out;
}

export function pullViews(objects: readonly DbObject[]): (ViewDefinition | MaterializedViewDefinition)[] {
  return dependencyFirst(objects.filter((o) => o.kind === "view" || o.kind === "materialized_view")).map((o) => {
    const name = joinQualified(o.schema, o.name);
    const comment = o.comment !== undefined ? { comment: o.comment } : {};
    if (o.kind === "view") return { kind: "view", name, query: o.definition, ...o.options, ...comment };
    return {
      kind: "materializedView",
      name,
      query: o.definition,
      indexes: o.indexes.map((i) => indexInput(o.name, i)),
      ...(o.withData ? {} : { withData: false }),
      ...comment,
    };
  });
}

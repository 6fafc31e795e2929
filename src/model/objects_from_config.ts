/** The config's objects other than tables and types, one module per kind under `objects/`. */
import type { ValidConfig } from "../config/schema.ts";
import { ConfigIssue } from "./checks.ts";
import { type DbObject, describeObject, objectId } from "./objects.ts";
import { desiredViews } from "./objects/view.ts";

export function desiredObjects(config: ValidConfig): DbObject[] {
  const objects = [...desiredViews(config.views ?? [])];
  const seen = new Set<string>();
  for (const object of objects) {
    const id = objectId(object);
    if (seen.has(id)) throw new ConfigIssue("views", `${describeObject(object)} is declared twice`);
    seen.add(id);
  }
  return objects;
}

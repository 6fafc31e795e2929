/** The config's objects other than tables and types, one module per kind under `objects/`. */
import type { ValidConfig } from "../config/schema.ts";
import { ConfigIssue } from "./checks.ts";
import { type DbObject, describeObject, objectId } from "./objects.ts";
import { desiredDomains } from "./objects/domain.ts";
import { desiredPolicies } from "./objects/policy.ts";
import { desiredViews } from "./objects/view.ts";
import { splitQualified } from "./qualified.ts";
import { qualifiedName } from "./types.ts";

export function desiredObjects(config: ValidConfig): DbObject[] {
  const tables = new Set(config.tables.map((t) => qualifiedName(...splitQualified(t.name))));
  const objects = [
    ...desiredViews(config.views ?? []),
    ...desiredPolicies(config.policies ?? [], tables),
    ...desiredDomains(config),
  ];
  const seen = new Set<string>();
  for (const object of objects) {
    const id = objectId(object);
    if (seen.has(id)) throw new ConfigIssue("views", `${describeObject(object)} is declared twice`);
    seen.add(id);
  }
  return objects;
}

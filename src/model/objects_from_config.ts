/** The config's objects other than tables and types, one module per kind under `objects/`. */
import type { ValidConfig, ValidDomain } from "../config/schema.ts";
import { ConfigIssue } from "./checks.ts";
import { type DbObject, describeObject, objectId, type ObjectKind } from "./objects.ts";
import { desiredDomains } from "./objects/domain.ts";
import { desiredPolicies } from "./objects/policy.ts";
import { desiredExtensions } from "./objects/extension.ts";
import { desiredSequences } from "./objects/sequence.ts";
import { desiredViews } from "./objects/view.ts";
import { desiredRoutines } from "./objects/function.ts";
import { desiredTriggers } from "./objects/trigger.ts";
import { splitQualified } from "./qualified.ts";
import { qualifiedName } from "./types.ts";

/** The config key each kind is declared under, for errors. */
const CONFIG_KEY: Record<ObjectKind, string> = {
  view: "views",
  materialized_view: "views",
  policy: "policies",
  domain: "domains",
  extension: "extensions",
  sequence: "sequences",
  function: "functions",
  procedure: "functions",
  trigger: "triggers",
};

/** `nestedDomains`: the domains composite and range types use (see user_types.ts). */
export function desiredObjects(
  config: ValidConfig,
  nestedDomains: readonly { definition: ValidDomain; path: string }[],
): DbObject[] {
  const tables = new Set(config.tables.map((t) => qualifiedName(...splitQualified(t.name))));
  const objects = [
    ...desiredViews(config.views ?? []),
    ...desiredPolicies(config.policies ?? [], tables),
    ...desiredDomains(config, nestedDomains),
    ...desiredExtensions(config.extensions ?? []),
    ...desiredSequences(config.sequences ?? [], config.tables),
    ...desiredRoutines(config.functions ?? [], config.tables.map((t) => t.name)),
    ...desiredTriggers(config.triggers ?? []),
  ];
  const seen = new Set<string>();
  for (const object of objects) {
    const id = objectId(object);
    const key = CONFIG_KEY[object.kind];
    if (seen.has(id)) throw new ConfigIssue(key, `${describeObject(object)} is declared twice`);
    seen.add(id);
  }
  return objects;
}

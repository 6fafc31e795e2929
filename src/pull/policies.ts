/** Pulled policies → DSL data, with only what differs from `definePolicy`'s defaults. */
import type { PolicyDefinition } from "../config/dsl.ts";
import type { DbObject } from "../model/objects.ts";
import { joinQualified } from "../model/qualified.ts";

export function pullPolicies(objects: readonly DbObject[]): PolicyDefinition[] {
  return objects.flatMap((p): PolicyDefinition[] =>
    p.kind !== "policy" ? [] : [{
      kind: "policy",
      name: p.name,
      table: joinQualified(p.schema, p.table),
      ...(p.command !== "all" ? { command: p.command } : {}),
      ...(p.permissive ? {} : { as: "restrictive" as const }),
      ...(p.roles.length !== 1 || p.roles[0] !== "public" ? { to: [...p.roles] } : {}),
      ...(p.using !== undefined ? { using: p.using } : {}),
      ...(p.withCheck !== undefined ? { withCheck: p.withCheck } : {}),
      ...(p.comment !== undefined ? { comment: p.comment } : {}),
    }]
  );
}

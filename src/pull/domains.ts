/** Pulled domains → DSL data, each after the domains it uses; check names only where not PostgreSQL's default. */
import type { DomainDefinition } from "../config/dsl.ts";
import { collationInput } from "../model/names.ts";
import type { DbObject } from "../model/objects.ts";
import { defaultDomainCheckName } from "../model/objects/domain.ts";
import { joinQualified } from "../model/qualified.ts";
import { dependencyFirst } from "./views.ts";

export function pullDomains(objects: readonly DbObject[]): DomainDefinition[] {
  return dependencyFirst(objects).flatMap((d): DomainDefinition[] => {
    if (d.kind !== "domain") return [];
    let unnamed = 0;
    const checks = d.checks.map((c) => {
      // A name is left out only when the loader gives back exactly this one.
      const omitted = c.name === defaultDomainCheckName(d.name, unnamed);
      if (omitted) unnamed++;
      return {
        ...(omitted ? {} : { name: c.name }),
        expression: c.expression,
        ...(c.notValid ? { notValid: true } : {}),
      };
    });
    return [{
      kind: "domain",
      name: joinQualified(d.schema, d.name),
      type: d.type,
      ...(d.default !== undefined ? { default: d.default } : {}),
      ...(d.notNull ? { notNull: true } : {}),
      ...(d.collation !== undefined ? { collation: collationInput(d.collation) } : {}),
      ...(checks.length > 0 ? { checks } : {}),
      ...(d.comment !== undefined ? { comment: d.comment } : {}),
    }];
  });
}

/**
 * Domains: a base type with a default, NOT NULL and named checks, compared
 * as PostgreSQL prints them. Found in `domains` and wherever a column, a
 * composite attribute or a range subtype uses one.
 */
import type { ValidConfig, ValidDomain } from "../../config/schema.ts";
import { ConfigIssue } from "../checks.ts";
import { collationName, makeObjectName } from "../names.ts";
import { normalizeType } from "../normalize.ts";
import type { ObjectBase } from "../object_base.ts";
import { checkIdentifier, splitQualified } from "../qualified.ts";
import { qualifiedName } from "../types.ts";

export interface DomainCheck {
  readonly name: string;
  /** Without `CHECK (...)`, as `pg_get_expr` prints it (the desired one after a scratch build). */
  readonly expression: string;
  /** NOT VALID: values stored before it were never checked (desired: add it so, and keep it so). */
  readonly notValid?: true;
}

export interface DomainObject extends ObjectBase {
  readonly kind: "domain";
  /** The base type, spelled as a column's type is. */
  readonly type: string;
  readonly default?: string;
  readonly notNull: boolean;
  /** Only when it differs from the base type's. */
  readonly collation?: string;
  /** Sorted by name. */
  readonly checks: readonly DomainCheck[];
}

/** PostgreSQL's name for the `i`th unnamed check of a domain. */
export const defaultDomainCheckName = (domain: string, i: number) =>
  makeObjectName(domain, undefined, `check${i || ""}`);

/** `nested`: the domains found inside composite and range types (see user_types.ts). */
export function desiredDomains(
  config: ValidConfig,
  nested: readonly { definition: ValidDomain; path: string }[],
): DomainObject[] {
  const found = new Map<string, { definition: ValidDomain; path: string }>();
  const add = (definition: ValidDomain, path: string) => {
    const key = qualifiedName(...splitQualified(definition.name, `${path}.name`));
    const previous = found.get(key);
    if (previous && JSON.stringify(previous.definition) !== JSON.stringify(definition)) {
      throw new ConfigIssue(
        path,
        `domain "${definition.name}" is defined twice with different definitions (also at ${previous.path})`,
      );
    }
    if (!previous) found.set(key, { definition, path });
  };
  config.domains?.forEach((d, i) => add(d, `domains[${i}]`));
  config.tables.forEach((t, i) => {
    for (const [name, column] of Object.entries(t.columns)) {
      if (column.domain) add(column.domain, `tables[${i}].columns.${name}.type`);
    }
  });
  for (const { definition, path } of nested) add(definition, path);
  return [...found.values()].map(({ definition: d, path }) => {
    const [schema, name] = splitQualified(d.name, `${path}.name`);
    checkIdentifier(`${path}.name`, name);
    let unnamed = 0;
    const checks = (d.checks ?? []).map((c, j) => {
      const checkName = c.name ?? defaultDomainCheckName(name, unnamed++);
      checkIdentifier(`${path}.checks[${j}].name`, checkName);
      return { name: checkName, expression: c.expression.trim(), ...(c.notValid ? { notValid: true as const } : {}) };
    });
    return {
      kind: "domain",
      schema,
      name,
      type: normalizeType(d.type).type,
      ...(d.default !== undefined ? { default: d.default.trim() } : {}),
      notNull: d.notNull ?? false,
      ...(d.collation !== undefined ? { collation: collationName(d.collation) } : {}),
      checks: checks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      ...(d.comment !== undefined ? { comment: d.comment } : {}),
    };
  });
}

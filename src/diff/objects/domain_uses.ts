/**
 * What an ALTER DOMAIN that checks stored values reads: ADD CONSTRAINT
 * (without NOT VALID), VALIDATE CONSTRAINT and SET NOT NULL scan every
 * column of an existing table whose type is the domain or a domain over it,
 * under a SHARE lock on each such table; and PostgreSQL refuses them outright
 * while any column stores the domain inside an array, a composite or a range.
 */
import type { DomainObject } from "../../model/objects/domain.ts";
import { userTypeName } from "../../model/qualified.ts";
import type { SchemaModel } from "../../model/schema_model.ts";
import type { DomainColumn, Operation } from "../operations.ts";
import { checkedChecks } from "./domain_checks.ts";

/** Whether the change reads every stored value of the domain. */
export function scansValues(from: DomainObject, to: DomainObject): boolean {
  return (to.notNull && !from.notNull) || checkedChecks(from, to).length > 0;
}

export interface DomainUses {
  /** Columns whose values the ALTER checks (type the domain or a domain over it, not in an array). */
  readonly columns: DomainColumn[];
  /** Columns that store it inside an array, composite or range: `schema.table.column`. */
  readonly containers: string[];
}

/**
 * For one plan, the columns of `actual`'s tables that use a domain. Tables
 * and columns the table operations drop, rename or retype are left out: their
 * names or types are not the ones the ALTER meets (PostgreSQL checks those
 * itself).
 */
export function domainUsesIn(
  actual: SchemaModel,
  tableOps: readonly Operation[],
): (domain: DomainObject) => DomainUses {
  // Built on the first ask: most plans alter no domain.
  let skipped: ReadonlySet<string> | undefined;
  return (domain) => domainUses(actual, skipped ??= skippedBy(tableOps), domain);
}

function domainUses(actual: SchemaModel, skipped: ReadonlySet<string>, domain: DomainObject): DomainUses {
  const element = (type: string) => type.replace(/(\[\])+$/, "");
  // A domain over the domain: its columns are checked too.
  const direct = closure(
    [userTypeName(domain.schema, domain.name)],
    (set) =>
      actual.objects.flatMap((o) => (o.kind === "domain" && set.has(o.type) ? [userTypeName(o.schema, o.name)] : [])),
  );
  const contained = closure([], (set) => {
    const holds = (type: string) => direct.has(element(type)) || set.has(element(type));
    return [
      ...actual.composites.filter((t) => t.attributes.some((a) => holds(a.type))),
      ...actual.ranges.filter((r) => holds(r.definition.subtype)),
    ].map((t) => userTypeName(t.schema, t.name));
  });
  const uses: DomainUses = { columns: [], containers: [] };
  for (const t of actual.tables) {
    if (skipped.has(`${t.schema}.${t.name}`)) continue;
    for (const c of t.columns) {
      const id = `${t.schema}.${t.name}.${c.name}`;
      if (skipped.has(id)) continue;
      if (direct.has(c.type)) uses.columns.push({ schema: t.schema, table: t.name, column: c.name });
      else if (direct.has(element(c.type)) || contained.has(element(c.type))) uses.containers.push(id);
    }
  }
  return uses;
}

/** Tables and columns (`schema.table[.column]`) the table operations drop, rename or retype. */
function skippedBy(tableOps: readonly Operation[]): ReadonlySet<string> {
  return new Set(tableOps.flatMap((op) => {
    switch (op.kind) {
      case "drop_table":
        return [`${op.schema}.${op.table}`];
      case "rename_table":
        return [`${op.schema}.${op.from}`];
      case "drop_column":
        return [`${op.schema}.${op.table}.${op.column.name}`];
      case "rename_column":
        return [`${op.schema}.${op.table}.${op.from}`];
      case "alter_column":
        return op.changes.type ? [`${op.schema}.${op.table}.${op.column}`] : [];
      default:
        return [];
    }
  }));
}

/** `start` and what `next` finds from it, until nothing new is found. */
function closure(start: readonly string[], next: (found: ReadonlySet<string>) => string[]): Set<string> {
  const found = new Set(start);
  for (let size = -1; size !== found.size;) {
    size = found.size;
    for (const name of next(found)) found.add(name);
  }
  return found;
}

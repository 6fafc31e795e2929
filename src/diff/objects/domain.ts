/**
 * How a domain changes: default, NOT NULL, checks and comment with ALTER
 * DOMAIN; a new base type or collation only by dropping and creating it
 * again, which PostgreSQL refuses while a column or a type uses it (said out loud).
 */
import type { DomainObject } from "../../model/objects/domain.ts";
import { objectId } from "../../model/objects.ts";
import { userTypeName } from "../../model/qualified.ts";
import type { SchemaModel } from "../../model/schema_model.ts";
import type { ObjectChange } from "../object_change.ts";
import type { Operation } from "../operations.ts";
import { domainCheckChanges } from "./domain_checks.ts";

export function domainChange(from: DomainObject, to: DomainObject): ObjectChange {
  if (from.type !== to.type || from.collation !== to.collation) return "recreate";
  const checks = domainCheckChanges(from, to);
  const same = from.default === to.default && from.notNull === to.notNull && from.comment === to.comment &&
    checks.dropped.length === 0 && checks.wanted.every((w) => w.fate === "kept");
  return same ? "same" : "alter";
}

/** What uses the type `name` (arrays of it too): columns of existing tables, composite attributes, range subtypes. */
function usesOf(actual: SchemaModel, name: string): string[] {
  const is = (type: string) => type.replace(/(\[\])+$/, "") === name;
  const columns = actual.tables.flatMap((t) =>
    t.columns.filter((c) => is(c.type)).map((c) => `${t.schema}.${t.name}.${c.name}`)
  );
  return [
    ...(columns.length > 0 ? [`column ${columns.join(", ")}`] : []),
    ...actual.composites.flatMap((t) =>
      t.attributes.filter((a) => is(a.type)).map((a) => `attribute ${a.name} of composite type ${t.schema}.${t.name}`)
    ),
    ...actual.ranges.filter((r) => is(r.definition.subtype)).map((r) => `subtype of range type ${r.schema}.${r.name}`),
  ];
}

/**
 * Domains the plan drops and creates again (a new base type) while columns
 * of existing tables, composite or range types use them: PostgreSQL cannot
 * drop a domain in use, nor change its type, so the migration could only
 * fail.
 */
export function domainRebuildConflicts(actual: SchemaModel, ops: readonly Operation[]): string[] {
  return ops.flatMap((op) => {
    if (op.kind !== "drop_object" || !op.recreated || op.object.kind !== "domain") return [];
    const domain = op.object;
    const uses = usesOf(actual, userTypeName(domain.schema, domain.name));
    if (uses.length === 0) return [];
    const wanted = ops.find((o) => o.kind === "create_object" && objectId(o.object) === objectId(domain));
    const to = wanted?.kind === "create_object" && wanted.object.kind === "domain" ? wanted.object : undefined;
    const use = uses.length > 1 ? "use" : "uses";
    const why = to && to.type === domain.type && to.collation === domain.collation
      ? rebuiltRoutines(domain.dependsOn ?? [], ops)
      : `base type ${domain.type}${domain.collation ? ` collate ${domain.collation}` : ""} → ${to?.type ?? "?"}` +
        `${to?.collation ? ` collate ${to.collation}` : ""}`;
    return [
      `domain ${domain.schema}.${domain.name} would have to be dropped and created again (${why}), ` +
      `but ${uses.join(", ")} ${use} it; ` +
      (why.startsWith("base type")
        ? "declare a new domain and move them to it instead"
        : "declare the new function under another name, point the check at it, then drop the old one"),
    ];
  });
}

/** Why a domain whose type stays is rebuilt: its checks call routines the plan drops and creates again. */
function rebuiltRoutines(dependsOn: readonly string[], ops: readonly Operation[]): string {
  const dropped = ops.flatMap((op) =>
    op.kind === "drop_object" && (op.object.kind === "function" || op.object.kind === "procedure") &&
      dependsOn.includes(objectId(op.object))
      ? [`${op.object.kind} ${objectId(op.object).replace(/^[a-z_]+:/, "")}`]
      : []
  );
  return `its check calls ${dropped.join(", ") || "a routine"}, which the plan drops and creates again: ` +
    "PostgreSQL cannot drop it under the check";
}

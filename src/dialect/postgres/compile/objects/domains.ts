/** Domains: CREATE DOMAIN, DROP DOMAIN, and ALTER DOMAIN for what changes in place. */
import type { DbObject } from "../../../../model/objects.ts";
import type { DomainCheck, DomainObject } from "../../../../model/objects/domain.ts";
import { domainCheckChanges } from "../../../../diff/objects/domain_checks.ts";
import { ident, literal, qualified } from "../../quote.ts";
import type { ObjectCompiler } from "../object_compiler.ts";

const check = (c: DomainCheck) => `CONSTRAINT ${ident(c.name)} CHECK (${c.expression})`;

const comment = (d: DomainObject) =>
  `COMMENT ON DOMAIN ${qualified(d.schema, d.name)} IS ${d.comment !== undefined ? literal(d.comment) : "NULL"}`;

/** Quoted collation names stay as the model spells them (`"C"`, `schema."x"`). */
export function createDomain(d: DomainObject): string {
  return `CREATE DOMAIN ${qualified(d.schema, d.name)} AS ${d.type}` +
    `${d.collation !== undefined ? ` COLLATE ${d.collation}` : ""}` +
    `${d.default !== undefined ? ` DEFAULT ${d.default}` : ""}${d.notNull ? " NOT NULL" : ""}` +
    d.checks.map((c) => ` ${check(c)}`).join("");
}

/**
 * PL/pgSQL for the planning scratch transaction (normalize_db.ts): each
 * domain of the config that does not exist yet is created, so scratch
 * tables with columns of it can be built.
 */
export function domainSetup(objects: readonly DbObject[]): string[] {
  return objects.flatMap((d) =>
    d.kind !== "domain" ? [] : [
      `IF to_regtype(${literal(qualified(d.schema, d.name))}) IS NULL THEN EXECUTE ${
        literal(createDomain(d))
      }; END IF;`,
    ]
  );
}

export const domainCompiler: ObjectCompiler<DomainObject> = {
  // A check declared NOT VALID is added so after: created inline it would be valid, and a replay would differ.
  create: (d) => [
    createDomain({ ...d, checks: d.checks.filter((c) => !c.notValid) }),
    ...d.checks.filter((c) => c.notValid).map((c) =>
      `ALTER DOMAIN ${qualified(d.schema, d.name)} ADD ${check(c)} NOT VALID`
    ),
    ...(d.comment !== undefined ? [comment(d)] : []),
  ],
  drop: (d) => [`DROP DOMAIN ${qualified(d.schema, d.name)}`],
  alter: (from, to) => {
    const name = `ALTER DOMAIN ${qualified(to.schema, to.name)}`;
    const { dropped, wanted } = domainCheckChanges(from, to);
    return [
      ...(from.default !== to.default
        ? [to.default !== undefined ? `${name} SET DEFAULT ${to.default}` : `${name} DROP DEFAULT`]
        : []),
      ...(from.notNull !== to.notNull ? [`${name} ${to.notNull ? "SET" : "DROP"} NOT NULL`] : []),
      ...dropped.map((c) => `${name} DROP CONSTRAINT ${ident(c.name)}`),
      // Checked against every stored value of every column of the domain (unless NOT VALID), in the transaction.
      ...wanted.filter((w) => w.fate === "added").map(({ check: c }) =>
        `${name} ADD ${check(c)}${c.notValid ? " NOT VALID" : ""}`
      ),
      ...wanted.filter((w) => w.fate === "validated").map(({ check: c }) =>
        `${name} VALIDATE CONSTRAINT ${ident(c.name)}`
      ),
      ...(from.comment !== to.comment ? [comment(to)] : []),
    ];
  },
};

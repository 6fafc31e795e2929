/** Domains: `defineDomain(name, { type, ... })`, a base type with a default, NOT NULL and named checks. */

/** A check of a domain: the expression names the value `VALUE`. */
export interface DomainCheck {
  /** Default `<domain>_check`, then `<domain>_check1`, ... as PostgreSQL names them. */
  name?: string;
  /** `"VALUE ~ '^[^@]+@[^@]+$'"`; compared as PostgreSQL prints it. */
  expression: string;
  /**
   * `NOT VALID`: added without checking the values already stored, and kept as it is when the database holds it so;
   * without it, a NOT VALID check is validated in place.
   */
  notValid?: boolean;
}

/** Options of {@link defineDomain}. */
export interface DomainOptions {
  /** The base type, as you would write it: `"text"`, `"numeric(10,2)"`. */
  type: string;
  /** Default as SQL text, for columns of the domain that have none of their own. */
  default?: string;
  notNull?: boolean;
  /** `COLLATE`, e.g. `"C"`. */
  collation?: string;
  checks?: DomainCheck[];
  comment?: string;
}

export interface DomainDefinition extends DomainOptions {
  readonly kind: "domain";
  /** `"email"`, or schema-qualified: `"billing.amount"`. */
  readonly name: string;
}

/**
 * A domain; pass it to `column` as the column's type (it is then created
 * before the table), or list it in the config's `domains`:
 * `defineDomain("email", { type: "text", checks: [{ expression: "VALUE like '%@%'" }] })`.
 */
export function defineDomain(name: string, options: DomainOptions): DomainDefinition {
  return { kind: "domain", name, ...options };
}

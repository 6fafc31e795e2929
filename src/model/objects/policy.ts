/** Row-level security policies, compared on PostgreSQL's own `pg_get_expr` of their expressions. */
import type { ValidPolicy } from "../../config/schema.ts";
import { ConfigIssue } from "../checks.ts";
import type { ObjectBase } from "../objects.ts";
import { checkIdentifier, splitQualified } from "../qualified.ts";
import { qualifiedName } from "../types.ts";

export type PolicyCommand = "all" | "select" | "insert" | "update" | "delete";

export interface PolicyObject extends ObjectBase {
  readonly kind: "policy";
  /** The table's name (in the policy's schema). */
  readonly table: string;
  readonly command: PolicyCommand;
  /** False: `AS RESTRICTIVE`. */
  readonly permissive: boolean;
  /** Role names, sorted; `public` is every role. */
  readonly roles: readonly string[];
  /** As `pg_get_expr` prints it (the desired one after a scratch build). */
  readonly using?: string;
  readonly withCheck?: string;
}

/** The config's policies, before normalization (expressions as the user wrote them). */
export function desiredPolicies(
  policies: readonly ValidPolicy[],
  tables: ReadonlySet<string>,
  path = "policies",
): PolicyObject[] {
  return policies.map((p, i): PolicyObject => {
    const at = `${path}[${i}]`;
    checkIdentifier(`${at}.name`, p.name);
    const [schema, table] = splitQualified(p.table, `${at}.table`);
    if (!tables.has(qualifiedName(schema, table))) {
      throw new ConfigIssue(
        `${at}.table`,
        `policy ${p.name} is on table ${p.table}, which the config does not declare`,
      );
    }
    const command = p.command ?? "all";
    if (p.using !== undefined && command === "insert") {
      throw new ConfigIssue(`${at}.using`, `policy ${p.name} is for insert, which only takes withCheck`);
    }
    if (p.withCheck !== undefined && (command === "select" || command === "delete")) {
      throw new ConfigIssue(`${at}.withCheck`, `policy ${p.name} is for ${command}, which only takes using`);
    }
    return {
      kind: "policy",
      schema,
      name: p.name,
      table,
      command,
      permissive: p.as !== "restrictive",
      roles: [...new Set(p.to ?? ["public"])].sort(),
      ...(p.using !== undefined ? { using: p.using.trim() } : {}),
      ...(p.withCheck !== undefined ? { withCheck: p.withCheck.trim() } : {}),
      ...(p.comment !== undefined ? { comment: p.comment } : {}),
    };
  });
}

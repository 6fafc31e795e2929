/** Row-level security policies: CREATE POLICY, DROP POLICY, ALTER POLICY. */
import type { PolicyObject } from "../../../../model/objects/policy.ts";
import { ident, literal, qualified } from "../../quote.ts";
import type { ObjectCompiler } from "../objects.ts";

const on = (p: PolicyObject) => `${ident(p.name)} ON ${qualified(p.schema, p.table)}`;

/** `public` is the keyword for every role, never a role name. */
const roleList = (p: PolicyObject) => p.roles.map((r) => (r === "public" ? "PUBLIC" : ident(r))).join(", ");

const comment = (p: PolicyObject) =>
  `COMMENT ON POLICY ${on(p)} IS ${p.comment !== undefined ? literal(p.comment) : "NULL"}`;

export const policyCompiler: ObjectCompiler<PolicyObject> = {
  create: (p) => [
    `CREATE POLICY ${on(p)} AS ${p.permissive ? "PERMISSIVE" : "RESTRICTIVE"} FOR ${p.command.toUpperCase()} ` +
    `TO ${roleList(p)}${p.using !== undefined ? ` USING (${p.using})` : ""}` +
    `${p.withCheck !== undefined ? ` WITH CHECK (${p.withCheck})` : ""}`,
    ...(p.comment !== undefined ? [comment(p)] : []),
  ],
  drop: (p) => [`DROP POLICY ${on(p)}`],
  alter: (from, to) => {
    const clauses = [
      ...(from.roles.join("\u0000") !== to.roles.join("\u0000") ? [`TO ${roleList(to)}`] : []),
      ...(to.using !== undefined && from.using !== to.using ? [`USING (${to.using})`] : []),
      ...(to.withCheck !== undefined && from.withCheck !== to.withCheck ? [`WITH CHECK (${to.withCheck})`] : []),
    ];
    return [
      ...(clauses.length > 0 ? [`ALTER POLICY ${on(to)} ${clauses.join(" ")}`] : []),
      ...(from.comment !== to.comment ? [comment(to)] : []),
    ];
  },
};

/** Composite types: create, drop, change attributes in place, rebuild. */
import type { CompositeAttribute } from "../../../model/types.ts";
import { ident, qualified } from "../quote.ts";
import type { Compilers } from "./common.ts";

const attribute = (a: CompositeAttribute) =>
  `${ident(a.name)} ${a.type}${a.collation ? ` COLLATE ${a.collation}` : ""}`;

const create = (schema: string, name: string, attributes: readonly CompositeAttribute[]) =>
  `CREATE TYPE ${qualified(schema, name)} AS (${attributes.map(attribute).join(", ")})`;

export const compositeTypeCompilers: Compilers<
  "create_composite_type" | "drop_composite_type" | "alter_composite_type" | "recreate_composite_type"
> = {
  create_composite_type: (op) => [create(op.schema, op.name, op.attributes)],
  drop_composite_type: (op) => [`DROP TYPE ${qualified(op.schema, op.name)}`],
  // Never CASCADE: it would drop views and constraints using a dropped attribute.
  alter_composite_type: (op) => {
    const c = op.changes;
    const actions = [
      ...(c.drop ?? []).map((a) => `DROP ATTRIBUTE ${ident(a.name)}`),
      ...(c.alter ?? []).map(({ from, to }) =>
        `ALTER ATTRIBUTE ${ident(to.name)} TYPE ${to.type}` +
        (to.collation !== from.collation ? ` COLLATE ${to.collation ?? 'pg_catalog."default"'}` : "")
      ),
      ...(c.add ?? []).map((a) => `ADD ATTRIBUTE ${attribute(a)}`),
    ];
    return [`ALTER TYPE ${qualified(op.schema, op.name)} ${actions.join(", ")}`];
  },
  recreate_composite_type: (op) => [`DROP TYPE ${qualified(op.schema, op.name)}`, create(op.schema, op.name, op.to)],
};

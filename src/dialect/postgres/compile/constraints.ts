/** Primary keys, unique constraints, foreign keys and checks. */
import type { OperationKind } from "../../../diff/operations.ts";
import type { Deferrable, PrimaryKey, ReferentialAction } from "../../../model/types.ts";
import { ident, identList, qualified } from "../quote.ts";
import { alterTable, type Compilers } from "./common.ts";

type ConstraintKind = Extract<
  OperationKind,
  | "add_primary_key"
  | "drop_primary_key"
  | "add_unique"
  | "drop_unique"
  | "add_foreign_key"
  | "drop_foreign_key"
  | "add_check"
  | "drop_check"
  | "rename_constraint"
  | "alter_constraint"
  | "validate_constraint"
  | "set_not_null"
>;

export const constraintCompilers: Compilers<ConstraintKind> = {
  add_primary_key: (op) => [
    op.usingIndex
      ? `${alterTable(op)} ADD CONSTRAINT ${ident(op.primaryKey.name)} PRIMARY KEY USING INDEX ${
        ident(op.primaryKey.name)
      }${deferrable(op.primaryKey.deferrable)}`
      : `${alterTable(op)} ADD ${primaryKeyClause(op.primaryKey)}`,
  ],
  drop_primary_key: (op) => [dropConstraint(op, op.primaryKey.name)],
  add_unique: (op) => [
    op.usingIndex
      ? `${alterTable(op)} ADD CONSTRAINT ${ident(op.unique.name)} UNIQUE USING INDEX ${ident(op.unique.name)}` +
        deferrable(op.unique.deferrable)
      : `${alterTable(op)} ADD CONSTRAINT ${ident(op.unique.name)} UNIQUE` +
        `${op.unique.nullsNotDistinct ? " NULLS NOT DISTINCT" : ""} (${identList(op.unique.columns)})` +
        deferrable(op.unique.deferrable),
  ],
  drop_unique: (op) => [dropConstraint(op, op.unique.name)],
  add_foreign_key: (op) => {
    const fk = op.foreignKey;
    return [
      `${alterTable(op)} ADD CONSTRAINT ${ident(fk.name)} FOREIGN KEY (${identList(fk.columns)})` +
      ` REFERENCES ${qualified(fk.refSchema, fk.refTable)} (${identList(fk.refColumns)})` +
      (fk.match === "full" ? " MATCH FULL" : "") +
      referentialAction("DELETE", fk.onDelete) + referentialAction("UPDATE", fk.onUpdate) +
      deferrable(fk.deferrable) + (fk.notValid ? " NOT VALID" : ""),
    ];
  },
  drop_foreign_key: (op) => [dropConstraint(op, op.foreignKey.name)],
  add_check: (op) => [
    `${alterTable(op)} ADD CONSTRAINT ${ident(op.check.name)} CHECK (${op.check.expression})` +
    (op.check.noInherit ? " NO INHERIT" : "") + (op.check.notValid ? " NOT VALID" : ""),
  ],
  drop_check: (op) => [dropConstraint(op, op.check.name)],
  rename_constraint: (op) => [`${alterTable(op)} RENAME CONSTRAINT ${ident(op.from)} TO ${ident(op.to)}`],
  alter_constraint: (op) => [
    `${alterTable(op)} ALTER CONSTRAINT ${ident(op.name)}${deferrable(op.deferrable.to) || " NOT DEFERRABLE"}`,
  ],
  validate_constraint: (op) => [`${alterTable(op)} VALIDATE CONSTRAINT ${ident(op.name)}`],
  set_not_null: (op) => [
    `${alterTable(op)} ALTER COLUMN ${ident(op.column)} SET NOT NULL`,
    dropConstraint(op, op.check),
  ],
};

/** `CONSTRAINT name PRIMARY KEY (...)`, as in CREATE TABLE and ADD. */
export function primaryKeyClause(pk: PrimaryKey): string {
  return `CONSTRAINT ${ident(pk.name)} PRIMARY KEY (${identList(pk.columns)})${deferrable(pk.deferrable)}`;
}

function deferrable(mode: Deferrable | undefined): string {
  return mode ? ` DEFERRABLE INITIALLY ${mode.toUpperCase()}` : "";
}

function dropConstraint(op: { schema: string; table: string }, name: string): string {
  return `${alterTable(op)} DROP CONSTRAINT ${ident(name)}`;
}

function referentialAction(event: "DELETE" | "UPDATE", action: ReferentialAction): string {
  return action === "no action" ? "" : ` ON ${event} ${action.toUpperCase()}`;
}

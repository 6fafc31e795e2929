/** What the per-kind compilers share: their type and the clauses every ALTER TABLE needs. */
import type { OperationKind, OperationOf } from "../../../diff/operations.ts";
import type { StorageParameters } from "../../../model/types.ts";
import { ident, literal, qualified } from "../quote.ts";

export type Compile<K extends OperationKind> = (op: OperationOf<K>) => string[];

/** Compilers for a subset of the operation kinds; `compile.ts` merges them exhaustively. */
export type Compilers<K extends OperationKind> = { [P in K]: Compile<P> };

export function alterTable(op: { schema: string; table: string }): string {
  return `ALTER TABLE ${qualified(op.schema, op.table)}`;
}

export function columnComment(
  op: { schema: string; table: string },
  column: string,
  comment: string | undefined,
): string {
  return `COMMENT ON COLUMN ${qualified(op.schema, op.table)}.${ident(column)} IS ` +
    (comment !== undefined ? literal(comment) : "NULL");
}

/** `fillfactor = '70', toast.autovacuum_enabled = 'off'`: names are checked when read, values quoted. */
export function storageParameterList(parameters: StorageParameters): string {
  return Object.entries(parameters).map(([name, value]) => `${name} = ${literal(value)}`).join(", ");
}

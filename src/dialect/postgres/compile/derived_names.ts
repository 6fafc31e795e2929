/** What PostgreSQL names after a table and column (a column's sequence, its NOT NULL constraint), renamed with them. */
import { doBlock, ident, literal, qualified } from "../quote.ts";
import type { Compilers } from "./common.ts";

export const derivedNameCompilers: Compilers<"rename_sequence" | "rename_not_null"> = {
  rename_sequence: (op) => [`ALTER SEQUENCE ${qualified(op.schema, op.from)} RENAME TO ${ident(op.to)}`],
  // Before PostgreSQL 18 there is no such constraint; a name taken elsewhere in the schema keeps the old one.
  rename_not_null: (op) => {
    const table = qualified(op.schema, op.table);
    return [
      doBlock(
        `BEGIN IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = ${literal(table)}::regclass` +
          ` AND contype = 'n' AND conname = ${literal(op.from)})` +
          ` AND NOT EXISTS (SELECT FROM pg_constraint WHERE connamespace = ${literal(ident(op.schema))}::regnamespace` +
          ` AND conname = ${literal(op.to)}) THEN` +
          ` ALTER TABLE ${table} RENAME CONSTRAINT ${ident(op.from)} TO ${ident(op.to)}; END IF; END`,
      ),
    ];
  },
};

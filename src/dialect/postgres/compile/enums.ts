/** Enum types: create, drop, add a label in place, rebuild. */
import { ident, literal, qualified } from "../quote.ts";
import type { Compilers } from "./common.ts";
import { makeObjectName } from "../../../model/names.ts";

export const enumCompilers: Compilers<"create_enum" | "drop_enum" | "add_enum_value" | "recreate_enum"> = {
  create_enum: (op) => [
    `CREATE TYPE ${qualified(op.schema, op.name)} AS ENUM (${op.values.map(literal).join(", ")})`,
  ],
  drop_enum: (op) => [`DROP TYPE ${qualified(op.schema, op.name)}`],
  add_enum_value: (op) => [
    `ALTER TYPE ${qualified(op.schema, op.name)} ADD VALUE ${literal(op.value)}` +
    (op.before !== undefined ? ` BEFORE ${literal(op.before)}` : ""),
  ],
  recreate_enum: (op) => {
    const type = qualified(op.schema, op.name);
    // Clipped as PostgreSQL would clip it: a 63-byte name plus a suffix would come back as the name itself.
    const old = makeObjectName(op.name, undefined, "_kyrage_old");
    return [
      `ALTER TYPE ${type} RENAME TO ${ident(old)}`,
      `CREATE TYPE ${type} AS ENUM (${op.to.map(literal).join(", ")})`,
      ...op.columns.map((c) => {
        const col = ident(c.column);
        const target = `${type}${c.array ? "[]" : ""}`;
        const steps = [
          ...(c.default !== undefined ? [`ALTER COLUMN ${col} DROP DEFAULT`] : []),
          `ALTER COLUMN ${col} TYPE ${target} USING ${col}::text${c.array ? "[]" : ""}::${target}`,
          ...(c.default !== undefined ? [`ALTER COLUMN ${col} SET DEFAULT ${c.default}`] : []),
        ];
        return `ALTER TABLE ${qualified(c.schema, c.table)} ${steps.join(", ")}`;
      }),
      `DROP TYPE ${qualified(op.schema, old)}`,
    ];
  },
};

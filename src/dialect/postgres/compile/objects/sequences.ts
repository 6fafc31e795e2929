/**
 * Sequences: created, dropped, and changed in place, their current value kept; only one made to count the other way
 * restarts (hazards.ts labels it).
 */
import type { SequenceObject } from "../../../../model/objects/sequence.ts";
import { ident, literal, qualified } from "../../quote.ts";
import { sequenceChanges, sequenceOptions } from "../columns.ts";
import type { ObjectCompiler } from "../object_compiler.ts";

const owner = (s: SequenceObject) =>
  s.ownedBy ? `${qualified(s.schema, s.ownedBy.table)}.${ident(s.ownedBy.column)}` : "NONE";

const comment = (s: SequenceObject) =>
  `COMMENT ON SEQUENCE ${qualified(s.schema, s.name)} IS ${s.comment !== undefined ? literal(s.comment) : "NULL"}`;

export const sequenceCompiler: ObjectCompiler<SequenceObject> = {
  create: (s) => [
    [
      `CREATE SEQUENCE ${qualified(s.schema, s.name)}`,
      ...(s.type !== "bigint" ? [`AS ${s.type}`] : []),
      ...sequenceOptions(s.options),
      ...(s.ownedBy ? [`OWNED BY ${owner(s)}`] : []),
    ].join(" "),
    ...(s.comment !== undefined ? [comment(s)] : []),
  ],
  // An owned sequence is gone already when the plan dropped its table or column.
  drop: (s) => [`DROP SEQUENCE ${s.ownedBy ? "IF EXISTS " : ""}${qualified(s.schema, s.name)}`],
  alter: (from, to) => {
    const clauses = [
      ...(from.type !== to.type ? [`AS ${to.type}`] : []),
      ...sequenceChanges(from.options, to.options).map((c) => c.replace(/^SET /, "")),
      ...(JSON.stringify(from.ownedBy) !== JSON.stringify(to.ownedBy) ? [`OWNED BY ${owner(to)}`] : []),
    ];
    return [
      ...(clauses.length > 0 ? [`ALTER SEQUENCE ${qualified(to.schema, to.name)} ${clauses.join(" ")}`] : []),
      ...(from.comment !== to.comment ? [comment(to)] : []),
    ];
  },
};

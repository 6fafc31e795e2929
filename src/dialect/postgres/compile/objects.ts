/** Objects other than tables: one compiler per kind (compile/objects/<kind>.ts). */
import type { DbObject, ObjectKind } from "../../../model/objects.ts";
import type { Compilers } from "./common.ts";
import { domainCompiler } from "./objects/domains.ts";
import { policyCompiler } from "./objects/policies.ts";
import { extensionCompiler } from "./objects/extensions.ts";
import { sequenceCompiler } from "./objects/sequences.ts";
import { materializedViewCompiler, viewCompiler } from "./objects/views.ts";
import { routineCompiler } from "./objects/functions.ts";
import { triggerCompiler } from "./objects/triggers.ts";

export interface ObjectCompiler<O extends DbObject> {
  create(object: O): string[];
  drop(object: O): string[];
  /** In place: only what differs between `from` and `to` (same identity). */
  alter(from: O, to: O): string[];
}

const COMPILERS: { [K in ObjectKind]: ObjectCompiler<Extract<DbObject, { kind: K }>> } = {
  view: viewCompiler,
  materialized_view: materializedViewCompiler,
  policy: policyCompiler,
  domain: domainCompiler,
  extension: extensionCompiler,
  sequence: sequenceCompiler,
  function: routineCompiler,
  procedure: routineCompiler,
  trigger: triggerCompiler,
};

// deno-lint-ignore no-explicit-any
const compilerOf = (object: DbObject) => COMPILERS[object.kind] as ObjectCompiler<any>;

export const objectCompilers: Compilers<"create_object" | "drop_object" | "alter_object"> = {
  create_object: (op) => compilerOf(op.object).create(op.object),
  drop_object: (op) => compilerOf(op.object).drop(op.object),
  alter_object: (op) => compilerOf(op.to).alter(op.from, op.to),
};

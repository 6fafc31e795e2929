/**
 * Database objects other than tables and types (views, functions, triggers,
 * policies, extensions, sequences, domains): each kind has its own plain,
 * readonly model type under `objects/`, and every layer handles one kind per
 * module through exhaustive `Record<ObjectKind, ...>` tables.
 */
import type { ObjectKind } from "./object_base.ts";
import type { DomainObject } from "./objects/domain.ts";
import type { ExtensionObject } from "./objects/extension.ts";
import type { PolicyObject } from "./objects/policy.ts";
import type { SequenceObject } from "./objects/sequence.ts";
import type { MaterializedViewObject, ViewObject } from "./objects/view.ts";
import type { FunctionObject, ProcedureObject } from "./objects/function.ts";
import type { TriggerObject } from "./objects/trigger.ts";

export type {
  DomainObject,
  ExtensionObject,
  FunctionObject,
  MaterializedViewObject,
  PolicyObject,
  ProcedureObject,
  SequenceObject,
  TriggerObject,
  ViewObject,
};

export type DbObject =
  | ViewObject
  | MaterializedViewObject
  | PolicyObject
  | DomainObject
  | ExtensionObject
  | SequenceObject
  | FunctionObject
  | ProcedureObject
  | TriggerObject;

// Each kind's `kind` is one of ObjectKind, and every ObjectKind has its kind.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _kinds: Exactly<DbObject["kind"], ObjectKind> = true;

export { describeObject, objectId, tableId } from "./object_base.ts";
export type { ObjectBase, ObjectIdentity, ObjectKind } from "./object_base.ts";

/**
 * Objects other than tables and types: set arithmetic by identity, each
 * kind deciding how it changes (objects/<kind>.ts), then the closure of what
 * must be rebuilt because something it depends on is rebuilt, dropped or
 * reshaped by the table operations.
 */
import { type DbObject, objectId, type ObjectKind, tableId } from "../model/objects.ts";
import type { SchemaModel } from "../model/schema_model.ts";
import type { Operation } from "./operations.ts";
import { domainChange } from "./objects/domain.ts";
import { domainUsesIn, scansValues } from "./objects/domain_uses.ts";
import { policyChange } from "./objects/policy.ts";
import { extensionChange } from "./objects/extension.ts";
import { createSequence, sequenceChange } from "./objects/sequence.ts";
import { materializedViewChange, viewChange } from "./objects/view.ts";
import { routineChange } from "./objects/function.ts";
import { type RoutineObject, withRenamedRowType } from "../model/objects/function.ts";
import { triggerChange } from "./objects/trigger.ts";

import type { ObjectChange } from "./object_change.ts";

export type { ObjectChange };

// deno-lint-ignore no-explicit-any
const CHANGES: { [K in ObjectKind]: (from: any, to: any) => ObjectChange } = {
  view: viewChange,
  materialized_view: materializedViewChange,
  policy: policyChange,
  domain: domainChange,
  extension: extensionChange,
  sequence: sequenceChange,
  function: routineChange,
  procedure: routineChange,
  trigger: triggerChange,
};

export function objectChange<O extends DbObject>(from: O, to: O): ObjectChange {
  return CHANGES[from.kind](from, to);
}

/** Tables whose columns the operations change so that what reads them must be rebuilt. */
function reshapedTables(tableOps: readonly Operation[]): string[] {
  return tableOps.flatMap((op) => {
    switch (op.kind) {
      case "drop_table":
        return [tableId(op.schema, op.table)];
      case "drop_column":
        return [tableId(op.schema, op.table)];
      case "alter_column":
        return op.changes.type || op.changes.generated ? [tableId(op.schema, op.table)] : [];
      default:
        return [];
    }
  });
}

/**
 * Objects as they are once the table renames ran (renames come first): a
 * policy or trigger then belongs to, and anything reads, the new name.
 */
function afterRenames(objects: readonly DbObject[], tableOps: readonly Operation[]): DbObject[] {
  const renamed = new Map(
    tableOps.flatMap((op) => (op.kind === "rename_table" ? [[tableId(op.schema, op.from), op] as const] : [])),
  );
  if (renamed.size === 0) return [...objects];
  return objects.map((original) => {
    // A routine taking or returning a renamed table's row type now spells the new name.
    const o = original.kind === "function" || original.kind === "procedure"
      ? [...renamed.values()].reduce<RoutineObject>(
        (r, op) => withRenamedRowType(r, op.schema, op.from, op.to),
        original,
      )
      : original;
    const table = "table" in o ? renamed.get(tableId(o.schema, o.table))?.to : undefined;
    const dependsOn = o.dependsOn?.map((id) => {
      const op = renamed.get(id);
      return op ? tableId(op.schema, op.to) : id;
    });
    return { ...o, ...(table !== undefined ? { table } : {}), ...(dependsOn ? { dependsOn } : {}) };
  });
}

export function diffObjects(actual: SchemaModel, desired: SchemaModel, tableOps: readonly Operation[]): Operation[] {
  const wanted = new Map(desired.objects.map((o) => [objectId(o), o]));
  const renamed = afterRenames(actual.objects, tableOps);
  const existing = new Map(renamed.map((o) => [objectId(o), o]));
  // Triggers are dropped before the table renames run (order.ts): under their table's old name.
  const beforeRenames = new Map(renamed.map((o, i) => [objectId(o), actual.objects[i]]));
  const dropping = (id: string) => (existing.get(id)!.kind === "trigger" ? beforeRenames : existing).get(id)!;
  const dropped = new Set<string>();
  const rebuilt = new Set<string>();
  const altered: [DbObject, DbObject][] = [];
  for (const [id, from] of existing) {
    const to = wanted.get(id);
    if (!to) dropped.add(id);
    else if (objectChange(from, to) === "recreate") rebuilt.add(id);
    else if (objectChange(from, to) === "alter") altered.push([from, to]);
  }
  // Whatever reads a rebuilt, dropped or reshaped object is rebuilt with it.
  const gone = new Set([...dropped, ...rebuilt, ...reshapedTables(tableOps)]);
  const readers = new Map<string, string[]>();
  for (const [id, o] of existing) {
    for (const dependency of o.dependsOn ?? []) {
      const list = readers.get(dependency) ?? [];
      readers.set(dependency, list);
      list.push(id);
    }
  }
  const queue = [...gone];
  while (queue.length > 0) {
    for (const reader of readers.get(queue.pop()!) ?? []) {
      if (gone.has(reader)) continue;
      gone.add(reader);
      queue.push(reader);
      if (wanted.has(reader)) rebuilt.add(reader);
    }
  }
  const ops: Operation[] = [];
  for (const id of dropped) ops.push({ kind: "drop_object", object: dropping(id) });
  for (const id of rebuilt) {
    ops.push({ kind: "drop_object", object: dropping(id), recreated: true });
    ops.push({ kind: "create_object", object: wanted.get(id)! });
  }
  const domainUses = domainUsesIn(actual, tableOps);
  for (const [from, to] of altered) {
    if (rebuilt.has(objectId(from))) continue;
    const uses = from.kind === "domain" && to.kind === "domain" && scansValues(from, to) ? domainUses(from) : undefined;
    ops.push({
      kind: "alter_object",
      from,
      to,
      ...(uses && uses.columns.length > 0 ? { columns: uses.columns } : {}),
      ...(uses && uses.containers.length > 0 ? { containers: uses.containers } : {}),
    });
  }
  for (const [id, o] of wanted) {
    if (!existing.has(id)) {
      ops.push(...(o.kind === "sequence" ? createSequence(o) : [{ kind: "create_object", object: o } as const]));
    }
  }
  return ops;
}

/** How an extension changes: its schema and (when the config pins one) its version, both in place. */
import type { ExtensionObject } from "../../model/objects/extension.ts";
import type { SchemaModel } from "../../model/schema_model.ts";
import type { ObjectChange } from "../object_change.ts";
import type { Operation } from "../operations.ts";

/** `to.version` undefined: the config accepts whatever version is installed. */
export const versionChanges = (from: ExtensionObject, to: ExtensionObject): boolean =>
  to.version !== undefined && from.version !== to.version;

export function extensionChange(from: ExtensionObject, to: ExtensionObject): ObjectChange {
  return from.schema !== to.schema || versionChanges(from, to) ? "alter" : "same";
}

/**
 * The applied history replayed, as drift compares it: an extension no applied file pins a version of was installed
 * at whatever version the replaying database ships (PGlite's own), so only its presence and schema count.
 */
export function withUnpinnedVersions(expected: SchemaModel, history: readonly Operation[]): SchemaModel {
  const pinned = new Map<string, boolean>();
  for (const op of history) {
    const object = op.kind === "create_object" ? op.object : op.kind === "alter_object" ? op.to : undefined;
    if (object?.kind === "extension") pinned.set(object.name, object.version !== undefined);
  }
  return {
    ...expected,
    objects: expected.objects.map((o) => {
      if (o.kind !== "extension" || pinned.get(o.name)) return o;
      const { version: _version, ...unpinned } = o;
      return unpinned;
    }),
  };
}

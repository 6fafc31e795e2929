/** How an extension changes: its schema and (when the config pins one) its version, both in place. */
import type { ExtensionObject } from "../../model/objects/extension.ts";
import type { ObjectChange } from "../objects.ts";

/** `to.version` undefined: the config accepts whatever version is installed. */
export const versionChanges = (from: ExtensionObject, to: ExtensionObject): boolean =>
  to.version !== undefined && from.version !== to.version;

export function extensionChange(from: ExtensionObject, to: ExtensionObject): ObjectChange {
  return from.schema !== to.schema || versionChanges(from, to) ? "alter" : "same";
}

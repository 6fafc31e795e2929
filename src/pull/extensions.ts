/** Pulled extensions → DSL data, each after the ones it requires; the installed version is kept exactly. */
import type { ExtensionDefinition } from "../config/dsl.ts";
import type { DbObject, ExtensionObject } from "../model/objects.ts";
import { DEFAULT_SCHEMA } from "../model/qualified.ts";
import { dependencyFirst } from "./views.ts";

export function pullExtensions(objects: readonly DbObject[]): ExtensionDefinition[] {
  const extensions = objects.filter((o): o is ExtensionObject => o.kind === "extension");
  return dependencyFirst(extensions).map((e) => ({
    kind: "extension",
    name: e.name,
    ...(e.schema !== DEFAULT_SCHEMA ? { schema: e.schema } : {}),
    ...(e.version !== undefined ? { version: e.version } : {}),
  }));
}

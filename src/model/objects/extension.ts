/**
 * Extensions (`citext`, `pgcrypto`, ...): database-wide, named by their own
 * name, installed in a schema. Compared as declared: the name, the schema and,
 * when the config pins one, the version.
 */
import type { ValidExtension } from "../../config/schema.ts";
import type { DbObject, ObjectBase } from "../objects.ts";
import { checkIdentifier, DEFAULT_SCHEMA } from "../qualified.ts";

export interface ExtensionObject extends ObjectBase {
  readonly kind: "extension";
  /** Installed: always; desired: only when the config pins it (otherwise any version will do). */
  readonly version?: string;
}

export function desiredExtensions(extensions: readonly ValidExtension[], path = "extensions"): DbObject[] {
  return extensions.map((e, i): ExtensionObject => {
    checkIdentifier(`${path}[${i}].name`, e.name);
    return {
      kind: "extension",
      schema: e.schema ?? DEFAULT_SCHEMA,
      name: e.name,
      ...(e.version !== undefined ? { version: e.version } : {}),
    };
  });
}

/** The names of the extensions among `objects`. */
export const extensionNames = (objects: readonly DbObject[]): string[] =>
  objects.flatMap((o) => (o.kind === "extension" ? [o.name] : []));

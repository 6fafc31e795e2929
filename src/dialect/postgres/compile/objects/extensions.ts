/** Extensions: CREATE, DROP, and ALTER EXTENSION for a new schema or version. */
import type { ExtensionObject } from "../../../../model/objects/extension.ts";
import { versionChanges } from "../../../../diff/objects/extension.ts";
import { ident, literal } from "../../quote.ts";
import type { ObjectCompiler } from "../objects.ts";

export const extensionCompiler: ObjectCompiler<ExtensionObject> = {
  create: (e) => [
    `CREATE EXTENSION ${ident(e.name)} WITH SCHEMA ${ident(e.schema)}` +
    (e.version !== undefined ? ` VERSION ${literal(e.version)}` : ""),
  ],
  drop: (e) => [`DROP EXTENSION ${ident(e.name)}`],
  alter: (from, to) => [
    ...(from.schema !== to.schema ? [`ALTER EXTENSION ${ident(to.name)} SET SCHEMA ${ident(to.schema)}`] : []),
    ...(versionChanges(from, to) ? [`ALTER EXTENSION ${ident(to.name)} UPDATE TO ${literal(to.version!)}`] : []),
  ],
};

/** Extensions: `defineExtension("pgcrypto", { schema: "extensions" })`. */

export interface ExtensionOptions {
  /** The schema its objects are installed in (default `public`); kyrage then owns that schema. */
  schema?: string;
  /** `CREATE EXTENSION ... VERSION`, and `ALTER EXTENSION ... UPDATE TO` when it changes; omit to accept any. */
  version?: string;
}

export interface ExtensionDefinition extends ExtensionOptions {
  readonly kind: "extension";
  readonly name: string;
}

/** `defineExtension("citext")`: created before the tables whose columns use its types, dropped last. */
export function defineExtension(name: string, options: ExtensionOptions = {}): ExtensionDefinition {
  return { kind: "extension", name, ...options };
}

/** User-defined types: enums. */

/** An enum type; pass it to `column` as the column's type. */
export interface EnumDefinition {
  readonly kind: "enum";
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * An enum type: `defineEnum("mood", ["sad", "ok", "happy"])`, or
 * schema-qualified: `defineEnum("billing.status", [...])`.
 */
export function defineEnum(
  name: string,
  values: readonly string[],
): EnumDefinition {
  return { kind: "enum", name, values };
}

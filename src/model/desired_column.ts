/**
 * A config column → the model's column, in normal form: the type as
 * `format_type` spells it, identity options without their defaults, the
 * collation as the catalog spells it.
 */
import type { ValidColumn } from "../config/schema.ts";
import { ConfigIssue } from "./checks.ts";
import { collationName } from "./names.ts";
import { normalizeType } from "./normalize.ts";
import { normalSequenceOptions } from "./sequences.ts";
import type { Column, Identity, SequenceOptions, StorageParameters } from "./types.ts";

export function desiredColumn(name: string, type: string, column: ValidColumn, inPrimaryKey: boolean, path: string) {
  const { type: normalType, serial } = column.enum || column.userType || column.domain
    ? { type, serial: undefined }
    : normalizeType(column.type);
  if (serial && column.defaultSql) {
    throw new ConfigIssue(
      `${path}.defaultSql`,
      `a ${serial} column cannot have a default: its sequence is the default`,
    );
  }
  const { identity, identityOptions } = identityOf(normalType, column.identity);
  const notNull = Boolean(column.notNull || inPrimaryKey || serial || identity);
  const result: Column = {
    name,
    type: normalType,
    notNull,
    ...(column.defaultSql ? { default: column.defaultSql.trim() } : {}),
    ...(serial ? { serial } : {}),
    ...(identity ? { identity } : {}),
    ...(identityOptions && Object.keys(identityOptions).length > 0 ? { identityOptions } : {}),
    ...(column.generatedAs ? { generated: column.generatedAs.trim() } : {}),
    ...(column.comment !== undefined ? { comment: column.comment } : {}),
    ...(column.storage ? { storage: column.storage } : {}),
    ...(column.compression ? { compression: column.compression } : {}),
    ...(column.collation ? { collation: collationName(column.collation) } : {}),
    ...(column.renamedFrom ? { renamedFrom: column.renamedFrom } : {}),
    ...(column.using ? { using: column.using } : {}),
  };
  return result;
}

function identityOf(
  type: string,
  identity: ValidColumn["identity"],
): { identity?: Identity; identityOptions?: SequenceOptions } {
  if (identity === undefined || typeof identity === "string") return { identity };
  const { generated, ...options } = identity;
  const text = (n: number | bigint | string | undefined) => (n === undefined ? undefined : String(n));
  return {
    identity: generated,
    identityOptions: normalSequenceOptions(type, {
      start: text(options.start),
      increment: text(options.increment),
      minValue: text(options.minValue),
      maxValue: text(options.maxValue),
      cache: text(options.cache),
      cycle: options.cycle,
    }),
  };
}

/** `{ fillfactor: 70, autovacuum_enabled: false }` → the text PostgreSQL stores for each. */
export function storageParametersOf(
  input: Readonly<Record<string, string | number | boolean>> | undefined,
): StorageParameters | undefined {
  if (input === undefined || Object.keys(input).length === 0) return undefined;
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, String(value)]));
}

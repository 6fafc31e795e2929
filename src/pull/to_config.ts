/**
 * Actual schema model → config data in the DSL's terms, the shape a person
 * would write: single-column keys as column options, and names only where
 * kyrage's default (the same naming code the config loader uses) differs
 * from the database's.
 */
import type {
  ColumnDefinition,
  CompositeTypeDefinition,
  ConstraintDefinition,
  DomainDefinition,
  EnumDefinition,
  ExtensionDefinition,
  FunctionDefinition,
  MaterializedViewDefinition,
  PolicyDefinition,
  ProcedureDefinition,
  RangeTypeDefinition,
  SequenceDefinition,
  TableDefinition,
  TriggerDefinition,
  UserTypeDefinition,
  ViewDefinition,
} from "../config/dsl.ts";
import { defaultCheckName, joinQualified, userTypeName } from "../model/from_config.ts";
import { collationInput, foreignKeyName, primaryKeyName, uniqueName } from "../model/names.ts";
import type { Column, EnumType, SchemaModel, Table } from "../model/types.ts";
import { qualifiedName } from "../model/types.ts";
import { pullUserTypes } from "./user_types.ts";
import { boundInput, partitionByInput } from "./partitions.ts";
import { pullDomains } from "./domains.ts";
import { pullPolicies } from "./policies.ts";
import { pullViews } from "./views.ts";
import { pullExtensions } from "./extensions.ts";
import { pullSequences } from "./sequences.ts";
import { pullRoutines } from "./functions.ts";
import { pullTriggers } from "./triggers.ts";
import { indexInput, nameIf, parametersInput } from "./indexes.ts";

export interface PulledSchema {
  readonly enums: readonly EnumDefinition[];
  readonly tables: readonly TableDefinition[];
  /** Every schema pulled, for the config's `schemas`: kyrage then owns exactly these. */
  readonly schemas: readonly string[];
  /** Views and materialized views, each after the ones it reads. */
  readonly views: readonly (ViewDefinition | MaterializedViewDefinition)[];
  /** Domains, each after the domains it uses (columns name them as types). */
  readonly domains: readonly DomainDefinition[];
  /** Row-level security policies, by table and name. */
  readonly policies: readonly PolicyDefinition[];
  /** Composite and range types, each after the types it uses. */
  readonly types: readonly (CompositeTypeDefinition | RangeTypeDefinition)[];
  readonly extensions: readonly ExtensionDefinition[];
  readonly sequences: readonly SequenceDefinition[];
  /** Functions and procedures, each after the ones it calls. */
  readonly functions: readonly (FunctionDefinition | ProcedureDefinition)[];
  readonly triggers: readonly TriggerDefinition[];
}

const tableName = joinQualified;

/** `{ name }` when the database's name is not the default one. */

function enumDefinition(e: EnumType): EnumDefinition {
  return { kind: "enum", name: tableName(e.schema, e.name), values: e.values };
}

/** User types by their SQL name (as column types spell them). */
type UserTypes = ReadonlyMap<string, UserTypeDefinition>;

function columnDefinition(c: Column, types: UserTypes, keyOptions: Partial<ColumnDefinition>) {
  const named = types.get(c.type);
  const definition: ColumnDefinition = {
    kind: "column",
    type: c.serial ?? c.type,
    ...(named?.kind === "enum" ? { enum: named } : named ? { userType: named } : {}),
    ...keyOptions,
    ...(c.notNull && !keyOptions.primaryKey && !c.serial && !c.identity ? { notNull: true } : {}),
    ...(c.default !== undefined ? { defaultSql: c.default } : {}),
    ...(c.identity ? { identity: identityInput(c) } : {}),
    ...(c.generated !== undefined ? { generatedAs: c.generated } : {}),
    ...(c.comment !== undefined ? { comment: c.comment } : {}),
    ...(c.storage ? { storage: c.storage } : {}),
    ...(c.compression ? { compression: c.compression } : {}),
    ...(c.collation ? { collation: collationInput(c.collation) } : {}),
  };
  return definition;
}

/** `"always"`, or with sequence options `{ generated: "always", start: 100 }` (numbers as numbers when exact). */
function identityInput(c: Column): ColumnDefinition["identity"] {
  const options = c.identityOptions ?? {};
  if (Object.keys(options).length === 0) return c.identity;
  const number = (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
  return {
    generated: c.identity!,
    ...Object.fromEntries(
      Object.entries(options).map(([key, value]) => [key, typeof value === "string" ? number(value) : value]),
    ),
  };
}

function tableDefinition(table: Table, types: UserTypes): TableDefinition {
  const pk = table.primaryKey;
  const pkDefault = primaryKeyName(table.name);
  // A partition declares no columns (they are its parent's), so its keys are constraints.
  const partition = table.partitionOf;
  const inlinePk = pk?.columns.length === 1 && pk.name === pkDefault && !pk.deferrable && !partition
    ? pk.columns[0]
    : undefined;
  const isInlineUnique = (u: Table["uniques"][number]) =>
    u.columns.length === 1 && !u.nullsNotDistinct && !u.deferrable && u.name === uniqueName(table.name, u.columns) &&
    !partition;
  const inlineUniques = new Set(table.uniques.filter(isInlineUnique).map((u) => u.columns[0]));

  const columns: Record<string, ColumnDefinition> = {};
  for (const c of partition ? [] : table.columns) {
    columns[c.name] = columnDefinition(c, types, {
      ...(c.name === inlinePk ? { primaryKey: true } : {}),
      ...(inlineUniques.has(c.name) ? { unique: true } : {}),
    });
  }
  const checkNames = new Set<string>();
  const constraints: ConstraintDefinition[] = [
    ...(pk && !inlinePk
      ? [{
        kind: "primaryKey" as const,
        columns: pk.columns,
        ...nameIf(pk.name, pkDefault),
        ...(pk.deferrable ? { deferrable: pk.deferrable } : {}),
      }]
      : []),
    ...table.uniques.filter((u) => !isInlineUnique(u)).map((u) => ({
      kind: "unique" as const,
      columns: u.columns,
      ...nameIf(u.name, uniqueName(table.name, u.columns)),
      ...(u.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
      ...(u.deferrable ? { deferrable: u.deferrable } : {}),
    })),
    ...table.indexes.map((i) => indexInput(table.name, i)),
    ...table.checks.map((c) => {
      const fallback = defaultCheckName(table.name, table.columns.map((col) => col.name), c.expression, checkNames);
      checkNames.add(c.name);
      return {
        kind: "check" as const,
        expression: c.expression,
        ...nameIf(c.name, fallback),
        ...(c.noInherit ? { noInherit: true } : {}),
        ...(c.notValid ? { notValid: true } : {}),
      };
    }),
    ...table.foreignKeys.map((f) => ({
      kind: "reference" as const,
      columns: f.columns,
      table: tableName(f.refSchema, f.refTable),
      refColumns: f.refColumns,
      ...(f.onDelete !== "no action" ? { onDelete: f.onDelete } : {}),
      ...(f.onUpdate !== "no action" ? { onUpdate: f.onUpdate } : {}),
      ...nameIf(f.name, foreignKeyName(table.name, f.columns)),
      ...(f.deferrable ? { deferrable: f.deferrable } : {}),
      ...(f.match ? { match: f.match } : {}),
      ...(f.notValid ? { notValid: true } : {}),
    })),
  ];
  return {
    kind: "table",
    name: tableName(table.schema, table.name),
    columns,
    constraints,
    ...(table.comment !== undefined ? { comment: table.comment } : {}),
    ...(table.with ? { with: parametersInput(table.with) } : {}),
    ...(table.unlogged ? { unlogged: true } : {}),
    ...(table.replicaIdentity ? { replicaIdentity: table.replicaIdentity } : {}),
    // FORCE without ENABLE has no spelling in the DSL: unsupported.ts reports it.
    ...(table.rowLevelSecurity ? { rowLevelSecurity: table.forceRowLevelSecurity ? "force" as const : true } : {}),
    ...(table.partitionBy ? { partitionBy: partitionByInput(table.partitionBy) } : {}),
    ...(partition
      ? { partitionOf: { table: tableName(partition.schema, partition.table), bound: boundInput(partition.bound) } }
      : {}),
  };
}

/** Tables in dependency order: parents and referenced tables first; cycles keep name order. */
function dependencyOrder(tables: readonly Table[]): Table[] {
  const byName = new Map(tables.map((t) => [qualifiedName(t.schema, t.name), t]));
  const done = new Set<string>();
  const out: Table[] = [];
  const visit = (key: string, path: Set<string>) => {
    if (done.has(key) || path.has(key)) return;
    path.add(key);
    const table = byName.get(key)!;
    const parent = table.partitionOf && qualifiedName(table.partitionOf.schema, table.partitionOf.table);
    const refs = table.foreignKeys.map((fk) => qualifiedName(fk.refSchema, fk.refTable));
    for (const ref of parent ? [parent, ...refs] : refs) if (byName.has(ref)) visit(ref, path);
    done.add(key);
    out.push(byName.get(key)!);
  };
  for (const key of [...byName.keys()].sort()) visit(key, new Set());
  return out;
}

export function pullSchema(model: SchemaModel): PulledSchema {
  const enums = new Map(model.enums.map((e) => [userTypeName(e.schema, e.name), enumDefinition(e)]));
  const types = new Map<string, UserTypeDefinition>(enums);
  const userTypes = pullUserTypes(model, types);
  return {
    enums: [...enums.values()],
    tables: dependencyOrder(model.tables).map((t) => tableDefinition(t, types)),
    types: userTypes,
    views: pullViews(model.objects),
    policies: pullPolicies(model.objects),
    domains: pullDomains(model.objects),
    extensions: pullExtensions(model.objects),
    sequences: pullSequences(model.objects),
    functions: pullRoutines(model.objects),
    triggers: pullTriggers(model.objects),
    schemas: model.schemas,
  };
}

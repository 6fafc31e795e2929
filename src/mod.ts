/**
 * kyrage: declarative PostgreSQL schema migrations.
 *
 * ```ts
 * import { column, defineConfig, defineTable } from "kyrage";
 *
 * const users = defineTable("users", {
 *   id: column("bigserial", { primaryKey: true }),
 *   email: column("text", { notNull: true, unique: true }),
 * });
 *
 * export default defineConfig({ tables: [users] });
 * ```
 * @module
 */
export {
  column,
  defineCompositeType,
  defineConfig,
  defineDomain,
  defineEnum,
  defineExtension,
  defineFunction,
  defineMaterializedView,
  definePartition,
  definePolicy,
  defineProcedure,
  defineRangeType,
  defineSequence,
  defineTable,
  defineTrigger,
  defineView,
} from "./config/dsl.ts";
export type {
  CheckDefinition,
  ColumnDefinition,
  ColumnOptions,
  CompositeAttributeDefinition,
  CompositeTypeDefinition,
  Config,
  ConstraintDefinition,
  DatabaseConfig,
  DomainCheck,
  DomainDefinition,
  DomainOptions,
  EnumDefinition,
  ExtensionDefinition,
  ExtensionOptions,
  FunctionArgument,
  FunctionDefinition,
  FunctionOptions,
  IndexKeyInput,
  IndexOptions,
  MaterializedViewBuilder,
  MaterializedViewDefinition,
  MaterializedViewOptions,
  PartitionBoundInput,
  PartitionByInput,
  PartitionKeyInput,
  PartitionOptions,
  PartitionValue,
  PolicyCommand,
  PolicyDefinition,
  PolicyOptions,
  ProcedureDefinition,
  RangeTypeDefinition,
  RangeTypeOptions,
  ReferenceOptions,
  ReferentialAction,
  RoutineOptions,
  SequenceDefinition,
  SequenceOptions,
  TableBuilder,
  TableDefinition,
  TableOptions,
  TriggerDefinition,
  TriggerEvent,
  TriggerOptions,
  TriggerReferencing,
  TypeInput,
  UniqueOptions,
  UserTypeDefinition,
  ViewDefinition,
  ViewOptions,
} from "./config/dsl.ts";

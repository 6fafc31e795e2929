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
  defineEnum,
  defineMaterializedView,
  definePartition,
  defineRangeType,
  defineTable,
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
  EnumDefinition,
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
  RangeTypeDefinition,
  RangeTypeOptions,
  ReferenceOptions,
  ReferentialAction,
  TableBuilder,
  TableDefinition,
  TableOptions,
  TypeInput,
  UniqueOptions,
  UserTypeDefinition,
  ViewDefinition,
  ViewOptions,
} from "./config/dsl.ts";

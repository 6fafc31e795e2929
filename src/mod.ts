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
export { column, defineConfig, defineEnum, definePartition, defineTable } from "./config/dsl.ts";
export type {
  CheckDefinition,
  ColumnDefinition,
  ColumnOptions,
  Config,
  ConstraintDefinition,
  DatabaseConfig,
  EnumDefinition,
  IndexKeyInput,
  IndexOptions,
  PartitionBoundInput,
  PartitionByInput,
  PartitionKeyInput,
  PartitionOptions,
  PartitionValue,
  ReferenceOptions,
  ReferentialAction,
  TableBuilder,
  TableDefinition,
  TableOptions,
  UniqueOptions,
} from "./config/dsl.ts";

/**
 * The config DSL, one module per object kind under `dsl/`. Every builder
 * returns plain data; `config/schema.ts` validates it and
 * `model/from_config.ts` turns it into the schema model.
 */
export * from "./dsl/column.ts";
export * from "./dsl/config.ts";
export * from "./dsl/domain.ts";
export * from "./dsl/extension.ts";
export * from "./dsl/function.ts";
export * from "./dsl/partition.ts";
export * from "./dsl/policy.ts";
export * from "./dsl/sequence.ts";
export * from "./dsl/table.ts";
export * from "./dsl/trigger.ts";
export * from "./dsl/types.ts";
export * from "./dsl/view.ts";

/** One readable line per operation, for plan and generate summaries. */
import type { Operation } from "./operations.ts";
import { describeTypeOperation } from "./describe_types.ts";
import { describeObjectOperation } from "./describe_objects.ts";

export function describeOperation(op: Operation): string {
  if (op.kind === "sql") {
    const first = op.sql.trim().split("\n")[0];
    return `~ hand-written SQL step${op.transaction === false ? " (outside a transaction)" : ""}: ${first}`;
  }
  if (op.kind === "create_object" || op.kind === "drop_object" || op.kind === "alter_object") {
    return describeObjectOperation(op);
  }
  const t = (table: string) => `${op.schema}.${table}`;
  switch (op.kind) {
    case "create_schema":
      return `+ schema ${op.schema}`;
    case "create_enum":
      return `+ enum ${op.schema}.${op.name} (${op.values.join(", ")})`;
    case "drop_enum":
      return `- enum ${op.schema}.${op.name}`;
    case "recreate_enum":
      return `~ enum ${op.schema}.${op.name}: (${op.from.join(", ")}) → (${op.to.join(", ")}), rebuilt`;
    case "add_enum_value":
      return `~ enum ${op.schema}.${op.name}: add value ${op.value}`;
    case "create_table":
      return op.partitionOf
        ? `+ partition ${t(op.table)} of ${op.partitionOf.schema}.${op.partitionOf.table} ${op.partitionOf.bound}`
        : `+ table ${t(op.table)} (${op.columns.map((c) => c.name).join(", ")})` +
          (op.partitionBy ? `, partitioned by ${op.partitionBy.strategy}` : "");
    case "drop_table":
      return `- ${op.partitionOf ? "partition" : "table"} ${t(op.table)}`;
    case "rename_table":
      return `~ table ${t(op.from)} renamed to ${op.to}`;
    case "add_column":
      return `+ column ${t(op.table)}.${op.column.name} ${op.column.serial ?? op.column.type}`;
    case "drop_column":
      return `- column ${t(op.table)}.${op.column.name}`;
    case "rename_column":
      return `~ column ${t(op.table)}.${op.from} renamed to ${op.to}`;
    case "alter_column": {
      const c = op.changes;
      const parts: string[] = [];
      if (c.generated) parts.push("no longer generated (values kept)");
      if (c.type) parts.push(`type ${c.type.from} → ${c.type.to}${c.type.viaText ? " (through text)" : ""}`);
      if (c.notNull) parts.push(c.notNull.to ? "set not null" : "drop not null");
      if (c.default) parts.push(c.default.to !== undefined ? `default ${c.default.to}` : "drop default");
      if (c.serial) parts.push(c.serial.to ? `make ${c.serial.to}` : `no longer ${c.serial.from}`);
      if (c.identity) parts.push(c.identity.to ? `identity ${c.identity.to}` : "drop identity");
      if (c.identityOptions) parts.push("identity sequence options");
      if (c.storage) parts.push(`storage ${c.storage.to ?? "default"}`);
      if (c.compression) parts.push(`compression ${c.compression.to ?? "default"}`);
      if (c.collation) parts.push(`collation ${c.collation.to ?? "default"}`);
      if (c.comment) parts.push("comment");
      return `~ column ${t(op.table)}.${op.column}: ${parts.join(", ")}`;
    }
    case "drop_default":
      return `~ column ${t(op.table)}.${op.column}: drop default ${op.default} (a routine it calls is replaced)`;
    case "add_primary_key":
      return `+ primary key ${op.primaryKey.name} on ${t(op.table)} (${op.primaryKey.columns.join(", ")})`;
    case "drop_primary_key":
      return `- primary key ${op.primaryKey.name} on ${t(op.table)}`;
    case "add_unique":
      return `+ unique ${op.unique.name} on ${t(op.table)} (${op.unique.columns.join(", ")})`;
    case "drop_unique":
      return `- unique ${op.unique.name} on ${t(op.table)}`;
    case "add_foreign_key":
      return `+ foreign key ${op.foreignKey.name} on ${
        t(op.table)
      } → ${op.foreignKey.refSchema}.${op.foreignKey.refTable}`;
    case "drop_foreign_key":
      return `- foreign key ${op.foreignKey.name} on ${t(op.table)}`;
    case "add_check":
      return `+ check ${op.check.name} on ${t(op.table)}`;
    case "drop_check":
      return `- check ${op.check.name} on ${t(op.table)}`;
    case "rename_constraint":
      return `~ constraint ${op.from} on ${t(op.table)} renamed to ${op.to}`;
    case "alter_constraint": {
      const mode = (d: typeof op.deferrable.to) => (d ? `deferrable initially ${d}` : "not deferrable");
      return `~ foreign key ${op.name} on ${t(op.table)}: ${mode(op.deferrable.from)} → ${
        mode(op.deferrable.to)
      } (altered in place)`;
    }
    case "create_index":
      return `+ index ${op.index.name} on ${t(op.table)}`;
    case "drop_index":
      return `- index ${op.index.name} on ${t(op.table)}`;
    case "rename_sequence":
      return `~ sequence ${op.from} of ${t(op.table)} renamed to ${op.to}`;
    case "rename_not_null":
      return `~ NOT NULL constraint ${op.from} on ${t(op.table)} renamed to ${op.to} (PostgreSQL 18 and later)`;
    case "rename_index":
      return `~ index ${op.from} renamed to ${op.to}`;
    case "set_table_comment":
      return `~ table ${t(op.table)}: comment`;
    case "alter_table": {
      const c = op.changes;
      const parts = [
        ...(c.with ? ["storage parameters"] : []),
        ...(c.unlogged ? [c.unlogged.to ? "unlogged" : "logged"] : []),
        ...(c.replicaIdentity ? ["replica identity"] : []),
        ...(c.rowLevelSecurity ? [`row-level security ${c.rowLevelSecurity.to ? "on" : "off"}`] : []),
        ...(c.forceRowLevelSecurity ? [`row-level security ${c.forceRowLevelSecurity.to ? "" : "not "}forced`] : []),
      ];
      return `~ table ${t(op.table)}: ${parts.join(", ")}`;
    }
    case "set_not_null":
      return `~ column ${t(op.table)}.${op.column}: set not null (proved by the validated check ${op.check})`;
    case "detach_partition":
      return `~ partition ${t(op.table)}: detached from ${op.partitionOf.schema}.${op.partitionOf.table} (rows kept)`;
    case "attach_partition":
      return `~ partition ${t(op.table)}: ${op.detachFrom ? "detached and " : ""}attached to ` +
        `${op.partitionOf.schema}.${op.partitionOf.table} ${op.partitionOf.bound} ` +
        (op.check
          ? `(rows kept; the bound is proved by the validated check ${op.check}, then dropped)`
          : `(${op.detachFrom ? "rows kept; " : ""}its rows are checked against the bound)`);
    case "validate_constraint":
      return `~ constraint ${op.name} on ${t(op.table)}: validated against existing rows`;
    case "create_composite_type":
    case "drop_composite_type":
    case "alter_composite_type":
    case "recreate_composite_type":
    case "create_range_type":
    case "drop_range_type":
    case "recreate_range_type":
      return describeTypeOperation(op);
  }
}

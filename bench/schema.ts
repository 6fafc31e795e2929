/**
 * Generated schemas for benchmarks: N tables of ~8 mixed-type columns, each
 * with a primary key, a unique constraint, an index and a foreign key to the
 * previous table.
 */
import { column, type Config, defineTable, type TableDefinition } from "../src/mod.ts";

export function generatedTables(n: number, variant = 0): TableDefinition[] {
  const tables: TableDefinition[] = [];
  for (let i = 0; i < n; i++) {
    const name = `t${String(i).padStart(5, "0")}`;
    tables.push(defineTable(name, {
      id: column("bigserial", { primaryKey: true }),
      code: column("varchar(32)", { notNull: true }),
      title: column("text", { notNull: true, defaultSql: "''" }),
      amount: column("numeric(12,2)", { defaultSql: "0" }),
      active: column("boolean", { notNull: true, defaultSql: "true" }),
      created_at: column("timestamptz", { notNull: true, defaultSql: "now()" }),
      payload: column("jsonb"),
      parent_id: column("bigint"),
      ...(variant > 0 && i === 0 ? { added: column("int") } : {}),
    }, (t) => [
      t.unique(["code"]),
      t.index(["created_at"]),
      ...(i > 0 ? [t.reference(["parent_id"], `t${String(i - 1).padStart(5, "0")}`, ["id"])] : []),
    ]));
  }
  return tables;
}

export function generatedConfig(n: number): Config {
  return { tables: generatedTables(n) };
}

/** The same schema as a config file on disk, for process-level figures. */
export function generatedConfigSource(n: number, database: string, variant = 0): string {
  return `import { defineConfig } from "kyrage";
import { generatedTables } from ${JSON.stringify(new URL("./schema.ts", import.meta.url).href)};
export default defineConfig({ database: ${database}, tables: generatedTables(${n}, ${variant}) });
`;
}

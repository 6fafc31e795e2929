/**
 * Partition keys and bounds in the catalog's normal form: the config's
 * partition trees are built as temporary tables (under made-up names, parents
 * first) in `normalizeDesired`'s rolled-back transaction, and their keys and
 * bounds read back. PostgreSQL also checks them there: a bound of the wrong
 * type or overlapping another partition is refused before anything is written.
 */
import type { Table } from "../../model/types.ts";
import { qualifiedName } from "../../model/types.ts";
import { compileOperation } from "./compile.ts";

export interface ScratchTable {
  readonly table: Table;
  /** What PostgreSQL is asked about, for an error: `the partitioning of table public.events`. */
  readonly what: string;
  readonly statements: string[];
  /** The temporary table's name. */
  readonly name: string;
  /** PostgreSQL's message (or a statement) with the config's table names instead of the temporary ones. */
  readonly readable: (text: string) => string;
}

/** The partitioned tables and partitions of `tables` as temp-table statements, parents first. */
export function partitionScratch(tables: readonly Table[]): ScratchTable[] {
  const trees = tables.filter((t) => t.partitionBy || t.partitionOf);
  const names = new Map(trees.map((t, i) => [qualifiedName(t.schema, t.name), `kyrage$partition$${i}`]));
  const readable = (text: string) =>
    text.replace(/(?:"pg_temp"\.)?"?kyrage\$partition\$(\d+)"?/g, (_, i) => `${trees[i].schema}.${trees[i].name}`);
  const depth = (t: Table): number => {
    const parent = t.partitionOf &&
      trees.find((p) => p.schema === t.partitionOf!.schema && p.name === t.partitionOf!.table);
    return parent ? 1 + depth(parent) : 0;
  };
  return [...trees].sort((a, b) => depth(a) - depth(b)).flatMap((table) => {
    const name = names.get(qualifiedName(table.schema, table.name))!;
    const parent = table.partitionOf &&
      names.get(qualifiedName(table.partitionOf.schema, table.partitionOf.table));
    if (table.partitionOf && parent === undefined) return [];
    const [create] = compileOperation({
      kind: "create_table",
      schema: "pg_temp",
      table: name,
      columns: table.partitionOf ? [] : table.columns.map((c) => ({
        name: c.name,
        type: c.type,
        notNull: false,
        ...(c.collation ? { collation: c.collation } : {}),
      })),
      ...(table.partitionBy ? { partitionBy: table.partitionBy } : {}),
      ...(table.partitionOf ? { partitionOf: { ...table.partitionOf, schema: "pg_temp", table: parent! } } : {}),
    });
    return [{
      table,
      what: `the partitioning of table ${table.schema}.${table.name}`,
      statements: [create.replace(/^CREATE TABLE/, "CREATE TEMP TABLE")],
      name,
      readable,
    }];
  });
}

/** The desired table with its partition key and bound as the catalog spells them. */
export function mergePartitioning(table: Table, normal: Table | undefined): Table {
  if (!normal) return table;
  return {
    ...table,
    ...(table.partitionBy && normal.partitionBy ? { partitionBy: normal.partitionBy } : {}),
    ...(table.partitionOf && normal.partitionOf
      ? { partitionOf: { ...table.partitionOf, bound: normal.partitionOf.bound } }
      : {}),
  };
}

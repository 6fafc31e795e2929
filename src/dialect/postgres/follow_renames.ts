/**
 * The live expressions as they will read once the plan renames the columns
 * they use. PostgreSQL stores checks, index expressions and predicates and
 * generated columns as node trees and prints them with the columns' current
 * names, so after `RENAME COLUMN amount TO total` the check `amount >= 0`
 * reads `total >= 0`: equal to the config, nothing to rebuild. Only the
 * database prints them exactly, so each table that renames a column is
 * copied as a temporary table (its columns, checks, expression and partial
 * indexes, from the actual model), the renames are made on the copy, and the
 * expressions are read back, in a transaction that is always rolled back.
 * The live tables are never touched, nor locked.
 */
import { CompiledQuery, type Kysely, sql } from "kysely";
import type { Index, Table } from "../../model/types.ts";
import { qualifiedName } from "../../model/types.ts";
import type { SchemaModel } from "../../model/schema_model.ts";
import { plannedRenames } from "../../diff/renames.ts";
import { compileOperation } from "./compile.ts";
import { introspectCatalogs } from "./introspect.ts";
import { byName, scratchStatements } from "./normalize_db.ts";
import { doBlock, literal } from "./quote.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

const hasExpressions = (table: Table) =>
  table.checks.length > 0 || table.columns.some((c) => c.generated !== undefined) ||
  table.indexes.some(readsExpressions);

const readsExpressions = (index: Index) => index.where !== undefined || index.keys.some((k) => k.expression);

interface Copy {
  readonly table: Table;
  /** Old name → new name. */
  readonly renamed: ReadonlyMap<string, string>;
  /** The temporary copy's name; its indexes are `<name>$<position>` (index names are per schema). */
  readonly name: string;
}

/** `actual` with the expressions of tables whose columns `desired` renames as PostgreSQL will print them. */
export async function followColumnRenames(db: Db, actual: SchemaModel, desired: SchemaModel): Promise<SchemaModel> {
  const { columns } = plannedRenames(actual.tables, desired.tables);
  if (columns.size === 0) return actual;
  const copies: Copy[] = actual.tables.flatMap((table) => {
    const renamed = columns.get(qualifiedName(table.schema, table.name));
    return renamed && hasExpressions(table) ? [{ table, renamed }] : [];
  }).map((copy, i) => ({ ...copy, name: `kyrage$renamed$${i}` }));
  if (copies.length === 0) return actual;
  const read = await readRenamed(db, copies);
  // A copy PostgreSQL refused (it should not: each is the live table's own definition) keeps the old
  // comparison: what reads the column is rebuilt, as before this step existed.
  if (!read) return actual;
  const byTable = new Map(copies.map((copy) => [copy.table, copy]));
  return {
    ...actual,
    tables: actual.tables.map((table) => {
      const copy = byTable.get(table);
      const normal = copy && read.get(copy.name);
      return copy && normal ? followed(copy, normal) : table;
    }),
  };
}

/** The copies as the catalog reads them after the renames, by name; undefined when PostgreSQL refused one. */
async function readRenamed(db: Db, copies: readonly Copy[]): Promise<Map<string, Table> | undefined> {
  return await db.connection().execute(async (conn) => {
    const run = (statement: string) => conn.executeQuery(CompiledQuery.raw(statement));
    await run("begin");
    try {
      const statements = copies.flatMap(copyStatements);
      const ok = await run(doBlock(`BEGIN ${statements.map((s) => `EXECUTE ${literal(s)};`).join(" ")} END`))
        .then(() => true, () => false);
      if (!ok) return undefined;
      const temp = await sql<{ name: string }>`
        select nspname::text as name from pg_namespace where oid = pg_my_temp_schema()`.execute(conn);
      const normal = await introspectCatalogs(conn, { schemas: [temp.rows[0].name] });
      return new Map(normal.tables.map((t) => [t.name, t]));
    } finally {
      await run("rollback");
    }
  });
}

/** The copy's statements: the table with its expressions, then the renames (through stand-in names, so chains work). */
function copyStatements({ table, renamed, name }: Copy): string[] {
  const copy: Table = {
    ...table,
    name,
    // Defaults cannot read columns; scratchStatements keeps only names, types, collations and generated columns.
    columns: table.columns.map(({ default: _d, ...c }) => c),
    indexes: table.indexes.map((index, i) => ({ ...index, name: `${name}$${i}` })),
  };
  const on = { schema: "pg_temp", table: name };
  const renames = [...renamed];
  return [
    ...scratchStatements(copy),
    ...renames.flatMap(([from], i) =>
      compileOperation({ kind: "rename_column", ...on, from, to: `kyrage$column$${i}` })
    ),
    ...renames.flatMap(([, to], i) =>
      compileOperation({ kind: "rename_column", ...on, from: `kyrage$column$${i}`, to })
    ),
  ];
}

/** The actual table (its own column names kept: the differ renames them) with the copy's expressions. */
function followed({ table, renamed, name }: Copy, normal: Table): Table {
  const { columns, checks, indexes } = byName(normal);
  return {
    ...table,
    columns: table.columns.map((c) => {
      const generated = c.generated !== undefined && columns.get(renamed.get(c.name) ?? c.name)?.generated;
      return generated ? { ...c, generated } : c;
    }),
    checks: table.checks.map((c) => {
      const expression = checks.get(c.name)?.expression;
      return expression ? { ...c, expression } : c;
    }),
    indexes: table.indexes.map((index, i) => {
      const read = indexes.get(`${name}$${i}`);
      if (!read || !readsExpressions(index)) return index;
      // Plain key columns stay in their old names, like the rest of the actual table.
      return {
        ...index,
        keys: index.keys.map((k, j) => (k.expression && read.keys[j] ? { ...k, column: read.keys[j].column } : k)),
        ...(index.where !== undefined && read.where !== undefined ? { where: read.where } : {}),
      };
    }),
  };
}

/**
 * Put the desired model's expressions in PostgreSQL's own normal form.
 * Users write `price > 0` or `now() + interval '1 day'`; the catalog returns
 * `price > 0::numeric` and `now() + '1 day'::interval`. Only the database
 * knows, so the tables that have such expressions are created as temporary
 * tables (with any missing schema or enum they need) inside a transaction
 * that is always rolled back, read back with the
 * same introspector as real tables, and their forms copied over. Nothing is
 * left behind, even on a production database.
 */
import { CompiledQuery, type Kysely, sql } from "kysely";
import { KyrageError, messageOf } from "../../errors.ts";
import type { Column, SchemaModel, Table } from "../../model/types.ts";
import { compileOperation } from "./compile.ts";
import { introspect } from "./introspect.ts";
import { normalizeExpression } from "../../model/normalize.ts";
import { ident, literal } from "./quote.ts";

/** Defaults the static normalizer already puts in catalog form. */
const SIMPLE_DEFAULT =
  /^('(?:[^']|'')*'|-?\d+(\.\d+)?|true|false|null|now\(\)|current_date|[a-z_][a-z0-9_]*\(\)|nextval\('[^']*'::regclass\))$/;

const complexDefault = (column: Column) =>
  column.default !== undefined && !SIMPLE_DEFAULT.test(normalizeExpression(column.default, column.type));

function needsDatabase(table: Table): boolean {
  return table.checks.length > 0 ||
    table.indexes.some((i) => i.where !== undefined || i.keys.some((k) => k.expression)) ||
    table.columns.some((c) => c.generated !== undefined || complexDefault(c));
}

/** The temp-table statements for one table: columns, checks, indexes. */
function scratchStatements(table: Table): string[] {
  const columns: Column[] = table.columns.map((c) => ({
    name: c.name,
    type: c.type,
    notNull: false,
    ...(complexDefault(c) ? { default: c.default } : {}),
    ...(c.generated !== undefined ? { generated: c.generated } : {}),
  }));
  const [create] = compileOperation({ kind: "create_table", schema: "pg_temp", table: table.name, columns });
  const statements = [create.replace(/^CREATE TABLE/, "CREATE TEMP TABLE")];
  for (const check of table.checks) {
    statements.push(...compileOperation({ kind: "add_check", schema: "pg_temp", table: table.name, check }));
  }
  for (const index of table.indexes) {
    if (index.where === undefined && !index.keys.some((k) => k.expression)) continue;
    statements.push(
      ...compileOperation({
        kind: "create_index",
        schema: "pg_temp",
        table: table.name,
        index: { ...index, concurrently: false },
      }),
    );
  }
  return statements;
}

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

export async function normalizeDesired(db: Db, desired: SchemaModel): Promise<SchemaModel> {
  // Two tables of the same name (in different schemas) cannot both be temp
  // tables at once; the second keeps its static normal form.
  const seen = new Set<string>();
  const work = desired.tables.filter((t) => needsDatabase(t) && !seen.has(t.name) && seen.add(t.name));
  if (work.length === 0) return desired;

  return await db.connection().execute(async (conn) => {
    const run = (statement: string) => conn.executeQuery(CompiledQuery.raw(statement));
    await run("begin");
    try {
      // Schemas and enums this migration will create do not exist yet; made
      // here, they vanish with the rollback like everything else.
      for (const schema of desired.schemas) {
        await run(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
      }
      for (const e of desired.enums) {
        const type = `${ident(e.schema)}.${ident(e.name)}`;
        await run(
          `DO $$BEGIN IF to_regtype(${literal(type)}) IS NULL THEN CREATE TYPE ${type} AS ENUM (${
            e.values.map(literal).join(", ")
          }); END IF; END$$`,
        );
      }
      // One round trip for every scratch table, however many there are.
      const scratch = work.map((table) => ({ table, statements: scratchStatements(table) }));
      const batch = scratch.flatMap((s) => s.statements).map((statement) => `EXECUTE ${literal(statement)};`);
      await run("SAVEPOINT scratch");
      try {
        await run(`DO $kyrage$BEGIN ${batch.join(" ")} END$kyrage$`);
      } catch {
        // Find the statement PostgreSQL rejects, to name its table.
        await run("ROLLBACK TO SAVEPOINT scratch");
        for (const { table, statements } of scratch) {
          for (const statement of statements) {
            await run(statement).catch((error) => {
              throw new KyrageError(
                `PostgreSQL rejects an expression of table ${table.schema}.${table.name} in the config: ${
                  messageOf(error)
                }\n  statement: ${statement}`,
              );
            });
          }
        }
      }
      const temp = await sql<{ name: string }>`
        select nspname::text as name from pg_namespace where oid = pg_my_temp_schema()`.execute(conn);
      const normal = await introspect(conn, { schemas: [temp.rows[0].name] });
      const byName = new Map(normal.tables.map((t) => [t.name, t]));
      const done = new Set(work);
      return {
        ...desired,
        tables: desired.tables.map((t) => done.has(t) ? merge(t, byName.get(t.name)!) : t),
      };
    } finally {
      await run("rollback");
    }
  });
}

/** The desired table with the catalog's spelling of each expression. */
function merge(table: Table, normal: Table): Table {
  const columns = new Map(normal.columns.map((c) => [c.name, c]));
  const checks = new Map(normal.checks.map((c) => [c.name, c]));
  const indexes = new Map(normal.indexes.map((i) => [i.name, i]));
  return {
    ...table,
    columns: table.columns.map((c) => {
      const n = columns.get(c.name)!;
      return {
        ...c,
        ...(complexDefault(c) && n.default !== undefined ? { default: n.default } : {}),
        ...(c.generated !== undefined && n.generated !== undefined ? { generated: n.generated } : {}),
      };
    }),
    checks: table.checks.map((c) => ({ ...c, expression: checks.get(c.name)?.expression ?? c.expression })),
    indexes: table.indexes.map((i) => {
      const n = indexes.get(i.name);
      if (!n) return i;
      return { ...i, keys: n.keys, ...(n.where !== undefined ? { where: n.where } : {}) };
    }),
  };
}

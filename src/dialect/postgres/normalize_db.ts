/**
 * Put the desired model's expressions in PostgreSQL's own normal form, and
 * have PostgreSQL check them before anything is written. Users write
 * `price > 0` or `now() + interval '1 day'`; the catalog returns
 * `price > 0::numeric` and `now() + '1 day'::interval`. Only the database
 * knows, so the tables that have such expressions are created as temporary
 * tables (with the schemas, enums, composite and range types the config
 * declares) inside a transaction that is always rolled back, read back with
 * the same introspector as real tables, and their forms copied over (defaults
 * too, unless PostgreSQL stores them as written). Every default is also
 * checked against its column's type in one wide temporary table, to name the
 * one PostgreSQL rejects. Nothing is left behind, even on a production database.
 */
import { CompiledQuery, type Kysely, sql } from "kysely";
import { KyrageError, messageOf } from "../../errors.ts";
import type { Column, EnumType, Table } from "../../model/types.ts";
import type { SchemaModel } from "../../model/schema_model.ts";
import type { DbObject } from "../../model/objects.ts";
import { compileOperation } from "./compile.ts";
import { extensionSetup, sequenceSetup } from "./declared_objects.ts";
import { introspectCatalogs } from "./introspect.ts";
import { createUserTypes, domainsOverUserTypes, hasUserTypes } from "./normalize_types.ts";
import { normalizeExpression } from "../../model/normalize.ts";
import { doBlock, ident, literal, qualified } from "./quote.ts";
import { mergePartitioning, partitionScratch, type ScratchTable } from "./normalize_partitions.ts";
import { domainSetup } from "./compile/objects/domains.ts";
import { routineSetup } from "./normalize_routines.ts";

/**
 * Defaults PostgreSQL stores as written (once normalizeExpression has run on
 * both sides). The catalog keeps the value the column type's input function
 * made of a literal, not its text (`'t'` is `true`, `'ab'` on a char(3)
 * `'ab'::bpchar`, `-1` on a bigint `'-1'::integer`): any other default is
 * read back from a scratch table. Unsigned integers stay within int4: a
 * larger one is a bigint constant, printed with its cast.
 */
const STORED_AS_WRITTEN =
  /^(true|false|0|[1-9]\d{0,8}|(0|[1-9]\d*)\.\d+|now\(\)|current_date|[a-z_][a-z0-9_]*\(\)|nextval\('[^']*'::regclass\))$/;

/** Types whose input function keeps a string as it is: the catalog only adds the cast that normalization strips. */
const VERBATIM_TYPES = /^(text|character varying(\(\d+\))?|character\(\d+\)|bpchar)$/;

const storedAsWritten = (column: Column, normal: string) =>
  STORED_AS_WRITTEN.test(normal) || (VERBATIM_TYPES.test(column.type) && /^'(?:[^']|'')*'$/.test(normal));

const complexDefault = (column: Column) =>
  column.default !== undefined && !storedAsWritten(column, normalizeExpression(column.default, column.type));

/**
 * Every default PostgreSQL has to accept for its column's type (`'abc'` is no
 * integer): checked on its own first, so that a rejected one is named.
 */
const checkedDefault = (column: Column) =>
  column.default !== undefined && !/^nextval\(/.test(normalizeExpression(column.default));

function needsDatabase(table: Table): boolean {
  return table.checks.length > 0 ||
    table.indexes.some((i) => i.where !== undefined || i.keys.some((k) => k.expression)) ||
    table.columns.some((c) => c.generated !== undefined || complexDefault(c));
}

/** The temp-table statements for one table: columns, checks, expression and partial indexes. */
export function scratchStatements(table: Table): string[] {
  const columns: Column[] = table.columns.map((c) => ({
    name: c.name,
    type: c.type,
    notNull: false,
    // Index keys on a column take its collation: the scratch table needs it too.
    ...(c.collation ? { collation: c.collation } : {}),
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

/**
 * The config's enum types as this change will leave them: created when
 * missing; when their labels differ, the existing type is renamed aside and
 * the desired one created, so expressions may use labels this change adds.
 */
function enumSetup(enums: readonly EnumType[]): string[] {
  return enums.map((e, i) => {
    const type = qualified(e.schema, e.name);
    const create = `CREATE TYPE ${type} AS ENUM (${e.values.map(literal).join(", ")})`;
    const labels = `ARRAY[${e.values.map(literal).join(", ")}]::text[]`;
    return `IF to_regtype(${literal(type)}) IS NULL THEN EXECUTE ${literal(create)}; ` +
      `ELSIF (SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum ` +
      `WHERE enumtypid = to_regtype(${literal(type)})) IS DISTINCT FROM ${labels} THEN ` +
      `EXECUTE ${literal(`ALTER TYPE ${type} RENAME TO ${ident(`kyrage_scratch_enum_${i}`)}`)}; ` +
      `EXECUTE ${literal(create)}; END IF;`;
  });
}

interface DefaultCheck {
  readonly at: string;
  readonly column: Column;
}

/**
 * Defaults as columns of wide temp tables: creating them checks each
 * default's type. They are rolled back (to a savepoint) at once: reading
 * them back would cost pg_get_expr a pass over the wide table per default,
 * and so would dropping them (seconds for 4,000).
 */
function defaultTables(checks: readonly DefaultCheck[]): string[] {
  const statements: string[] = [];
  for (let start = 0; start < checks.length; start += 1000) {
    const columns = checks.slice(start, start + 1000)
      .map((d, i) => `c${start + i} ${d.column.type} DEFAULT ${d.column.default}`);
    statements.push(`CREATE TEMP TABLE ${ident(`kyrage$defaults$${start}`)} (${columns.join(", ")})`);
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
  const defaults = desired.tables.flatMap((t) =>
    t.columns.filter(checkedDefault).map((column) => ({ at: `${t.schema}.${t.name}.${column.name}`, column }))
  );
  const partitions = partitionScratch(desired.tables);
  if (work.length === 0 && defaults.length === 0 && partitions.length === 0 && !hasUserTypes(desired)) {
    return desired;
  }

  return await db.connection().execute(async (conn) => {
    const run = (statement: string) => conn.executeQuery(CompiledQuery.raw(statement));
    const overTypes = new Set<DbObject>(domainsOverUserTypes(desired));
    await run("begin");
    try {
      // Schemas and enums this migration will create do not exist yet; made
      // here, they vanish with the rollback like everything else.
      // Extensions first: enums are independent, but domains may be over their types (citext).
      const setup = [
        ...desired.schemas.map((s) => `EXECUTE ${literal(`CREATE SCHEMA IF NOT EXISTS ${ident(s)}`)};`),
        ...extensionSetup(desired),
        ...enumSetup(desired.enums),
        // Domains over the config's composite and range types are created with those (createUserTypes).
        ...domainSetup(desired.objects.filter((o) => !overTypes.has(o))),
        ...sequenceSetup(desired),
      ];
      await run(doBlock(`BEGIN ${setup.join(" ")} END`)).catch((error) => {
        throw new KyrageError(
          `PostgreSQL rejects the schemas, extensions, enums, domains or sequences the config declares: ` +
            `${messageOf(error)}. Nothing was planned.`,
          { cause: error },
        );
      });
      const types = hasUserTypes(desired) ? await createUserTypes(conn, desired) : {};
      for (const statement of routineSetup(desired)) await run(statement);
      if (work.length === 0 && defaults.length === 0 && partitions.length === 0) return { ...desired, ...types };
      // One round trip for every scratch table, however many there are.
      const scratch = [
        ...work.map((table) => ({
          table,
          what: `an expression of table ${table.schema}.${table.name}`,
          statements: scratchStatements(table),
        })),
        ...partitions,
      ];
      const batch = (statements: readonly string[]) =>
        run(doBlock(`BEGIN ${statements.map((s) => `EXECUTE ${literal(s)};`).join(" ")} END`));
      await run("SAVEPOINT scratch");
      try {
        if (defaults.length > 0) {
          await batch(defaultTables(defaults));
          await run("ROLLBACK TO SAVEPOINT scratch");
        }
        if (scratch.length > 0) await batch(scratch.flatMap((s) => s.statements));
      } catch {
        await run("ROLLBACK TO SAVEPOINT scratch");
        await findRejected(run, defaults, scratch);
      }
      // No scratch table: no temp schema to read (the defaults' went with their savepoint).
      if (scratch.length === 0) return { ...desired, ...types };
      const temp = await sql<{ name: string }>`
        select nspname::text as name from pg_namespace where oid = pg_my_temp_schema()`.execute(conn);
      const normal = await introspectCatalogs(conn, { schemas: [temp.rows[0].name] });
      const byName = new Map(normal.tables.map((t) => [t.name, t]));
      const done = new Set(work);
      const partitioned = new Map(partitions.map((p) => [p.table, byName.get(p.name)]));
      return {
        ...desired,
        ...types,
        tables: desired.tables.map((t) => {
          const merged = done.has(t) ? merge(t, byName.get(t.name)!) : t;
          return partitioned.has(t) ? mergePartitioning(merged, partitioned.get(t)) : merged;
        }),
      };
    } finally {
      await run("rollback");
    }
  });
}

/** The batch failed: run it piece by piece to name what PostgreSQL rejects. */
async function findRejected(
  run: (statement: string) => Promise<unknown>,
  defaults: readonly DefaultCheck[],
  scratch: readonly (Pick<ScratchTable, "what" | "statements"> & Partial<Pick<ScratchTable, "readable">>)[],
): Promise<void> {
  for (const { at, column } of defaults) {
    await run(`CREATE TEMP TABLE "kyrage$default" (c ${column.type} DEFAULT ${column.default})`).catch((error) => {
      throw new KyrageError(
        `PostgreSQL rejects the default of ${at} in the config (${column.default} for type ${column.type}): ` +
          `${messageOf(error)}. Nothing was planned.`,
      );
    });
    await run(`DROP TABLE "kyrage$default"`);
  }
  for (const { what, statements, readable = (text: string) => text } of scratch) {
    for (const statement of statements) {
      await run(statement).catch((error) => {
        throw new KyrageError(
          `PostgreSQL rejects ${what} in the config: ${readable(messageOf(error))}\n  statement: ${
            readable(statement)
          }`,
        );
      });
    }
  }
}

/** A table read back from a scratch build, its columns, checks and indexes by name. */
export function byName(normal: Table) {
  return {
    columns: new Map(normal.columns.map((c) => [c.name, c])),
    checks: new Map(normal.checks.map((c) => [c.name, c])),
    indexes: new Map(normal.indexes.map((i) => [i.name, i])),
  };
}

/** The desired table with the catalog's spelling of each expression. */
function merge(table: Table, normal: Table): Table {
  const { columns, checks, indexes } = byName(normal);
  return {
    ...table,
    columns: table.columns.map((c) => {
      const n = columns.get(c.name)!;
      // A null constant is stored as no default at all.
      const normalDefault = complexDefault(c) ? n.default : c.default;
      const { default: _, ...column } = c;
      return {
        ...column,
        ...(normalDefault !== undefined ? { default: normalDefault } : {}),
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

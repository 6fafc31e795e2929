/**
 * The config's extensions and sequences, made for a moment: types such as
 * `citext` are checked and expressions such as `nextval('invoice_number')`
 * normalized before the migration that creates them has run, inside a
 * transaction that is always rolled back.
 */
import { CompiledQuery, sql } from "kysely";
import { KyrageError, messageOf } from "../../errors.ts";
import type { ExtensionObject } from "../../model/objects.ts";
import type { SchemaModel } from "../../model/schema_model.ts";
import type { Database } from "../types.ts";
import { compileOperation } from "./compile.ts";
import type { Db } from "./introspect/scope.ts";
import { ident, literal, qualified } from "./quote.ts";

export const declaredExtensions = (desired: SchemaModel): ExtensionObject[] =>
  desired.objects.filter((o): o is ExtensionObject => o.kind === "extension");

/** `ALTER EXTENSION ... SET SCHEMA` for a declared extension installed in another schema. */
export const moveTo = (e: ExtensionObject, from: string): string[] =>
  compileOperation({ kind: "alter_object", from: { ...e, schema: from }, to: e });

/** What to say when the server cannot install an extension the config declares. */
export function unavailableExtension(database: Pick<Database, "label" | "dialect">, name: string, error: unknown) {
  const advice = database.dialect === "pglite"
    ? "PGlite ships only some extensions (the PostgreSQL contrib ones); use a PostgreSQL server that has it " +
      "(database.connectionString, or dev.connectionString for the dev database)"
    : "install its package on the server, or remove it from the config";
  return new KyrageError(
    `Extension ${name}, declared in the config, cannot be installed on ${database.label}: ${messageOf(error)}. ` +
      `${advice}. Nothing was planned.`,
  );
}

/** `body` run on a connection where every declared extension is installed; everything is rolled back after. */
export async function withDeclaredExtensions<T>(
  database: Pick<Database, "db" | "label" | "dialect">,
  desired: SchemaModel,
  body: (db: Db) => Promise<T>,
): Promise<T> {
  const extensions = declaredExtensions(desired);
  if (extensions.length === 0) return await body(database.db);
  return await database.db.connection().execute(async (conn) => {
    const run = (statement: string) => conn.executeQuery(CompiledQuery.raw(statement));
    await run("begin");
    try {
      const installed = await sql<{ name: string; schema: string; relocatable: boolean }>`
        select extname::text as name, n.nspname::text as schema, extrelocatable as relocatable
        from pg_extension join pg_namespace n on n.oid = extnamespace`.execute(conn);
      const have = new Map(installed.rows.map((r) => [r.name, r]));
      // Installed in another schema: moved where the config says, as the migration will, so that its types resolve.
      for (const e of extensions) {
        const now = have.get(e.name);
        if (!now || now.schema === e.schema || !now.relocatable) continue;
        await run(`CREATE SCHEMA IF NOT EXISTS ${ident(e.schema)}`);
        for (const statement of moveTo(e, now.schema)) await run(statement);
      }
      for (const e of extensions.filter((e) => !have.has(e.name))) {
        await run(`CREATE SCHEMA IF NOT EXISTS ${ident(e.schema)}`);
        for (const statement of compileOperation({ kind: "create_object", object: e })) {
          await run(statement).catch((error) => {
            throw unavailableExtension(database, e.name, error);
          });
        }
      }
      return await body(conn);
    } finally {
      await run("rollback");
    }
  });
}

/**
 * PL/pgSQL steps installing the declared extensions that are missing (checkTypes has proved they install), and
 * moving those installed in another schema (when PostgreSQL can) where the config says.
 */
export function extensionSetup(desired: SchemaModel): string[] {
  return declaredExtensions(desired).map((e) => {
    const create = compileOperation({ kind: "create_object", object: e }).map((s) => `EXECUTE ${literal(s)};`);
    const move = moveTo(e, "").map((s) => `EXECUTE ${literal(s)};`);
    return `IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = ${literal(e.name)}) THEN ${create.join(" ")} ` +
      `ELSIF EXISTS (SELECT FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = ${
        literal(e.name)
      } AND x.extrelocatable AND n.nspname <> ${literal(e.schema)}) THEN ${move.join(" ")} END IF;`;
  });
}

/** PL/pgSQL steps creating the declared sequences that are missing, so defaults calling them can be checked. */
export function sequenceSetup(desired: SchemaModel): string[] {
  return desired.objects.flatMap((o) => {
    if (o.kind !== "sequence") return [];
    const [create] = compileOperation({ kind: "create_object", object: { ...o, ownedBy: undefined } });
    const name = literal(qualified(o.schema, o.name));
    return [`IF to_regclass(${name}) IS NULL THEN EXECUTE ${literal(create)}; END IF;`];
  });
}

/**
 * The config's extensions and sequences, made for a moment: types such as
 * `citext` are checked and expressions such as `nextval('invoice_number')`
 * normalized before the migration that creates them has run, inside a
 * transaction that is always rolled back.
 */
import { CompiledQuery, sql } from "kysely";
import { KyrageError, messageOf } from "../../errors.ts";
import type { ExtensionObject } from "../../model/objects.ts";
import type { SchemaModel } from "../../model/types.ts";
import type { Database } from "../types.ts";
import { compileOperation } from "./compile.ts";
import type { Db } from "./introspect/scope.ts";
import { ident, literal, qualified } from "./quote.ts";

export const declaredExtensions = (desired: SchemaModel): ExtensionObject[] =>
  desired.objects.filter((o): o is ExtensionObject => o.kind === "extension");

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
      const installed = await sql<{ name: string }>`select extname::text as name from pg_extension`.execute(conn);
      const have = new Set(installed.rows.map((r) => r.name));
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

/** PL/pgSQL steps installing the declared extensions that are missing (checkTypes has proved they install). */
export function extensionSetup(desired: SchemaModel): string[] {
  return declaredExtensions(desired).map((e) => {
    const create = compileOperation({ kind: "create_object", object: e }).map((s) => `EXECUTE ${literal(s)};`);
    return `IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = ${literal(e.name)}) THEN ${
      create.join(" ")
    } END IF;`;
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

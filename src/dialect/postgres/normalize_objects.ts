/**
 * The desired views, functions, ... in PostgreSQL's own normal form: inside a
 * transaction that is always rolled back, the managed schemas are renamed
 * aside (no lock on their tables: other sessions keep seeing them), the
 * desired model is built from nothing under the real names, and the objects
 * are read back with the same catalog queries as the live database — so the
 * two sides compare as PostgreSQL prints them, dependencies included.
 */
import { CompiledQuery, sql } from "kysely";
import { diffSchemas } from "../../diff/diff.ts";
import { describeOperation } from "../../diff/describe.ts";
import type { Operation } from "../../diff/operations.ts";
import { KyrageError, messageOf } from "../../errors.ts";
import { EMPTY_MODEL, type SchemaModel } from "../../model/schema_model.ts";
import { type DbObject, objectId } from "../../model/objects.ts";
import { compileOperation } from "./compile.ts";
import { moveTo } from "./declared_objects.ts";
import { introspectCatalogs } from "./introspect.ts";
import type { Db } from "./introspect/scope.ts";
import { doBlock, ident, literal } from "./quote.ts";

/** Run each operation in a savepoint; retry the failed ones while a pass makes progress; name the first that never runs. */
async function buildInPasses(run: (statement: string) => Promise<unknown>, build: readonly Operation[]): Promise<void> {
  let pending = [...build];
  for (;;) {
    const failed: { op: Operation; statement: string; error: unknown }[] = [];
    for (const op of pending) {
      await run("SAVEPOINT op");
      const statements = compileOperation(op);
      let at = 0;
      try {
        for (; at < statements.length; at++) await run(statements[at]);
        await run("RELEASE SAVEPOINT op");
      } catch (error) {
        await run("ROLLBACK TO SAVEPOINT op");
        failed.push({ op, statement: statements[at], error });
      }
    }
    if (failed.length === 0) return;
    if (failed.length === pending.length) {
      const { op, statement, error } = failed[0];
      // The detail says why ("Triggers on views cannot have transition tables.") where the message only says what.
      const detail = (error as { detail?: unknown })?.detail;
      throw new KyrageError(
        `PostgreSQL rejects ${describeOperation(op).replace(/^[+~-] /, "")} as the config declares it: ` +
          `${messageOf(error)}${typeof detail === "string" && detail ? ` (${detail})` : ""}. Nothing was planned.` +
          `\n  statement: ${statement}`,
      );
    }
    pending = failed.map((f) => f.op);
  }
}

export async function normalizeObjects(db: Db, desired: SchemaModel): Promise<SchemaModel> {
  if (desired.objects.length === 0) return desired;
  // The schemas are made before the build, so that extensions can follow them.
  const build = diffSchemas({ ...EMPTY_MODEL, schemas: [] }, desired).filter((op) => op.kind !== "create_schema");
  return await db.connection().execute(async (conn) => {
    const run = (statement: string) => conn.executeQuery(CompiledQuery.raw(statement));
    await run("begin");
    try {
      await run("SET LOCAL lock_timeout = '5s'");
      // Function bodies are checked when the functions they call exist, as in a migration.
      await run("SET LOCAL check_function_bodies = off");
      const existing = await sql<{ name: string; extensions: string[] }>`
        select n.nspname::text as name,
               array(select extname::text from pg_extension where extnamespace = n.oid and extrelocatable) as extensions
        from pg_namespace n where n.nspname = any(${[...desired.schemas]}::text[])`.execute(conn);
      // An extension's types (citext, ...) follow into the new schema, where the build looks for them.
      const aside = [
        ...existing.rows.map((r, i) => `ALTER SCHEMA ${ident(r.name)} RENAME TO ${ident(`kyrage$aside$${i}`)}`),
        ...desired.schemas.map((s) => `CREATE SCHEMA ${ident(s)}`),
        ...existing.rows.flatMap((r) =>
          r.extensions.map((e) => `ALTER EXTENSION ${ident(e)} SET SCHEMA ${ident(r.name)}`)
        ),
      ];
      // An extension already installed stays (moved along above when relocatable), or moves where it is declared.
      const found = await sql<{ name: string; schema: string; relocatable: boolean }>`
        select extname::text as name, n.nspname::text as schema, extrelocatable as relocatable
        from pg_extension join pg_namespace n on n.oid = extnamespace`.execute(conn);
      const installed = new Map(found.rows.map((r) => [r.name, r]));
      for (const e of desired.objects) {
        const now = e.kind === "extension" ? installed.get(e.name) : undefined;
        if (e.kind !== "extension" || !now?.relocatable || now.schema === e.schema) continue;
        aside.push(...moveTo(e, now.schema));
      }
      const creates = build.filter((op) =>
        !(op.kind === "create_object" && op.object.kind === "extension" && installed.has(op.object.name))
      );
      const statements = creates.flatMap(compileOperation);
      await run("SAVEPOINT build");
      try {
        await run(doBlock(`BEGIN ${[...aside, ...statements].map((s) => `EXECUTE ${literal(s)};`).join(" ")} END`));
      } catch {
        // The desired side has no dependencies yet (they are what this build reads): one object may read another
        // that comes later by name. Build operation by operation, deferring what fails until nothing progresses.
        await run("ROLLBACK TO SAVEPOINT build");
        for (const statement of aside) {
          await run(statement).catch((error) => {
            // A lock another session holds on a schema (its own migration, say) for over 5 s.
            throw new KyrageError(
              `Cannot set the owned schemas aside to read the config's objects back (${statement}): ` +
                `${messageOf(error)}. Nothing was planned; retry when the other session is done.`,
              { cause: error },
            );
          });
        }
        await buildInPasses(run, creates);
      }
      const built = await introspectCatalogs(conn, { schemas: desired.schemas });
      // Extensions compare as declared: the version only when the config pins one.
      const extensions = desired.objects.filter((o) => o.kind === "extension");
      const objects = notValidAsDeclared(built.objects.filter((o) => o.kind !== "extension"), desired);
      return { ...desired, objects: [...objects, ...extensions] };
    } finally {
      await run("rollback");
    }
  });
}

/** A domain built from nothing holds every check valid: the config's `notValid` goes back on its checks. */
function notValidAsDeclared(built: readonly DbObject[], desired: SchemaModel): DbObject[] {
  const skipped = new Map(desired.objects.flatMap((o) => {
    const names = o.kind === "domain" ? o.checks.filter((c) => c.notValid).map((c) => c.name) : [];
    return names.length > 0 ? [[objectId(o), new Set(names)] as const] : [];
  }));
  if (skipped.size === 0) return [...built];
  return built.map((o) => {
    const names = o.kind === "domain" ? skipped.get(objectId(o)) : undefined;
    return o.kind === "domain" && names
      ? { ...o, checks: o.checks.map((c) => (names.has(c.name) ? { ...c, notValid: true as const } : c)) }
      : o;
  });
}

/**
 * Test databases reused across the tests of one file, emptied before each
 * use: making one costs ~0.5 s on the server and ~1.5 s on PGlite (copying
 * its data directory), emptying one a few milliseconds. Emptying drops every
 * schema (recreating `public`), foreign server, foreign-data wrapper and
 * access method that tests create, so each test starts from an empty
 * database, as with `createTestDatabase`. Left-over databases go when the
 * process ends.
 */
import { sql } from "kysely";
import type { Database } from "../../src/dialect/database.ts";
import { type BackendName, createTestDatabase, type TestDatabase } from "./backends.ts";

const EMPTY = sql.raw(`do $$
declare r record;
begin
  for r in select nspname from pg_namespace where oid >= 16384 and nspname !~ '^pg_' and nspname <> 'public' loop
    execute format('drop schema %I cascade', r.nspname);
  end loop;
  drop schema if exists public cascade;
  create schema public;
  for r in select srvname from pg_foreign_server loop
    execute format('drop server %I cascade', r.srvname);
  end loop;
  for r in select fdwname from pg_foreign_data_wrapper where oid >= 16384 loop
    execute format('drop foreign data wrapper %I cascade', r.fdwname);
  end loop;
  for r in select amname from pg_am where oid >= 16384 loop
    execute format('drop access method %I cascade', r.amname);
  end loop;
end $$`);

/** Drop everything the tests create, leaving an empty `public`. */
export async function emptyDatabase(database: Database): Promise<void> {
  await EMPTY.execute(database.db);
}

export interface Scratch {
  readonly backend: BackendName;
  /** The server database's URL (postgres), for pg_dump and config `database` blocks. */
  readonly databaseUrl?: string;
  /** The PGlite data directory (pglite), for config `database` blocks. */
  readonly dataDir?: string;
  /** Open it; close what you open (PGlite admits one process at a time). */
  open(): Promise<Database>;
}

const idle: TestDatabase[] = [];
const made: TestDatabase[] = [];

globalThis.addEventListener("unload", () => {
  for (const target of made) {
    if (target.dataDir) {
      Deno.removeSync(target.dataDir, { recursive: true });
      try {
        Deno.removeSync(`${target.dataDir}.lock`);
      } catch { /* never opened */ }
    } else {
      const admin = Deno.env.get("KYRAGE_TEST_DATABASE_URL")!;
      const name = new URL(target.databaseUrl!).pathname.slice(1);
      new Deno.Command("psql", {
        args: [admin, "-qc", `drop database if exists "${name}" with (force)`],
        stderr: "null",
      })
        .outputSync();
    }
  }
});

/** Run `fn` with an empty database of `backend`, then hand the database to the next caller. */
export async function withScratch<T>(backend: BackendName, fn: (scratch: Scratch) => Promise<T>): Promise<T> {
  const index = idle.findIndex((t) => t.backend === backend);
  let target = index >= 0 ? idle.splice(index, 1)[0] : undefined;
  if (!target) {
    target = await createTestDatabase(backend);
    made.push(target);
  }
  const database = await target.open();
  let first: Database | undefined = database;
  let healthy = false;
  try {
    await emptyDatabase(database);
    healthy = true;
  } finally {
    if (!healthy) await database.close();
  }
  const chosen = target;
  try {
    return await fn({
      backend,
      ...(chosen.databaseUrl ? { databaseUrl: chosen.databaseUrl } : {}),
      ...(chosen.dataDir ? { dataDir: chosen.dataDir } : {}),
      open() {
        // The handle that emptied it is the first one handed out.
        const handle = first;
        first = undefined;
        return handle ? Promise.resolve(handle) : chosen.open();
      },
    });
  } finally {
    if (first) await first.close();
    idle.push(chosen);
  }
}

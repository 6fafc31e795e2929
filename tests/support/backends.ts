/**
 * The two real backends every integration test runs on: a PostgreSQL server
 * (a throwaway cluster started by `deno task test`, or
 * KYRAGE_TEST_DATABASE_URL) and PGlite. Each test gets its own empty
 * database. Nothing here is a mock, and nothing skips: without a server the
 * PostgreSQL tests fail and say how to run them.
 */
import { sql } from "kysely";
import { type Database, type DatabaseTarget, openDatabase } from "../../src/dialect/database.ts";
import { copyDir, createPgliteTemplate } from "./pglite_template.ts";

export type BackendName = "postgres" | "pglite";

export interface TestDatabase {
  readonly backend: BackendName;
  readonly target: DatabaseTarget;
  /** For CLI tests: `--database-url`, or a config `database` block. */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

function serverUrl(): string {
  const url = Deno.env.get("KYRAGE_TEST_DATABASE_URL");
  if (!url) {
    throw new Error(
      "KYRAGE_TEST_DATABASE_URL is not set: run the suite with `deno task test`, which starts a throwaway PostgreSQL server.",
    );
  }
  return url;
}

let counter = 0;

async function createServerDatabase(): Promise<TestDatabase> {
  const admin = serverUrl();
  const name = `kyrage_test_${Date.now().toString(36)}_${Deno.pid}_${counter++}`;
  const adminDb = await openDatabase({ dialect: "postgres", connectionString: admin });
  try {
    await sql`create database ${sql.id(name)}`.execute(adminDb.db);
  } finally {
    await adminDb.close();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { dialect: "postgres", connectionString: url.toString() };
  return {
    backend: "postgres",
    target,
    databaseUrl: url.toString(),
    open: () => openDatabase(target),
    async dispose() {
      const db = await openDatabase({ dialect: "postgres", connectionString: admin });
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(db.db);
      } finally {
        await db.close();
      }
    },
  };
}

let template: Promise<string> | undefined;

async function createPgliteDatabase(): Promise<TestDatabase> {
  const from = Deno.env.get("KYRAGE_TEST_PGLITE_TEMPLATE") ?? await (template ??= createPgliteTemplate());
  const dataDir = await Deno.makeTempDir({ prefix: "kyrage-pglite-test-" });
  await copyDir(from, dataDir);
  const target: DatabaseTarget = { dialect: "pglite", dataDir };
  return {
    backend: "pglite",
    target,
    dataDir,
    open: () => openDatabase(target),
    async dispose() {
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
      await Deno.remove(`${dataDir}.lock`).catch(() => {}); // the data-dir lock file beside it
    },
  };
}

export const BACKENDS: readonly BackendName[] = ["postgres", "pglite"];

export function createTestDatabase(backend: BackendName): Promise<TestDatabase> {
  return backend === "postgres" ? createServerDatabase() : createPgliteDatabase();
}

/** A test of a defect not fixed yet: it stays, shown as ignored, with why (the closing note lists it). */
export interface TestOptions {
  readonly knownDefect?: string;
}

/** Register `fn` once per backend, each with a fresh database. */
export function backendTest(
  name: string,
  fn: (db: TestDatabase) => Promise<void>,
  backends: readonly BackendName[] = BACKENDS,
  options: TestOptions = {},
): void {
  for (const backend of backends) {
    Deno.test({
      name: `${name} [${backend}]`,
      ignore: options.knownDefect !== undefined,
      // PGlite keeps a WASM instance alive; tests close what they open.
      sanitizeResources: false,
      sanitizeOps: false,
      async fn() {
        const db = await createTestDatabase(backend);
        try {
          await fn(db);
        } finally {
          await db.dispose();
        }
      },
    });
  }
}

/** `backendTest` with the database already open and a temp project directory; both cleaned up after. */
export function databaseTest(
  name: string,
  fn: (database: Database, dir: string, target: TestDatabase) => Promise<void>,
  backends: readonly BackendName[] = BACKENDS,
  options: TestOptions = {},
): void {
  backendTest(
    name,
    async (target) => {
      const dir = await Deno.makeTempDir();
      const database = await target.open();
      try {
        await fn(database, dir, target);
      } finally {
        await database.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
    backends,
    options,
  );
}

/** `databaseTest` on the PostgreSQL server only: another session takes part (PGlite has one). */
export function serverTest(
  name: string,
  fn: (database: Database, dir: string, target: TestDatabase) => Promise<void>,
  options: TestOptions = {},
): void {
  databaseTest(name, fn, ["postgres"], options);
}

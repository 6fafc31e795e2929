/**
 * PGlite (PostgreSQL compiled to WASM) inside this process, through a small
 * Kysely driver. PGlite is one connection: the driver hands it out to one
 * user at a time.
 */
import { PGlite, type Results } from "@electric-sql/pglite";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";
import { KyrageError, messageOf } from "../../errors.ts";
import type { Database, EmbeddedWait } from "../types.ts";
import { MEMORY_DIR } from "./paths.ts";
import { pause, tryLockFile } from "../../file_lock.ts";
import { createPristine } from "./pristine.ts";
import { contribExtensions, shipsExtension } from "./extensions.ts";
import { pgliteOptions } from "./options.ts";

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Without parameters the simple protocol, as on a server (see simple_queries.ts): a script's statements at once.
    const result = query.parameters.length === 0
      ? (await this.pglite.exec(query.sql)).at(-1) as Results<R> ?? { rows: [] }
      : await this.pglite.query<R>(query.sql, [...query.parameters]);
    return {
      rows: result.rows,
      ...(result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }

  // deno-lint-ignore require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("PGlite driver does not stream");
  }
}

class PgliteDriver implements Driver {
  private readonly connection: PgliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private release?: () => void;

  constructor(pglite: PGlite) {
    this.connection = new PgliteConnection(pglite);
  }

  init(): Promise<void> {
    return Promise.resolve();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise((resolve) => (release = resolve));
    await previous;
    this.release = release;
    return this.connection;
  }

  releaseConnection(): Promise<void> {
    this.release?.();
    return Promise.resolve();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  /** PGlite itself is closed by `Database.close`: Kysely skips drivers it never used. */
  destroy(): Promise<void> {
    return Promise.resolve();
  }
}

function wrap(pglite: PGlite, label: string, onClose: () => void = () => {}): Database {
  const db = new Kysely({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new PgliteDriver(pglite),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const close = async () => {
    await db.destroy();
    // Without close() the process lingers for seconds after its work is done.
    if (!pglite.closed) await pglite.close();
    onClose();
  };
  return { db, label, dialect: "pglite", close };
}

/**
 * Only one process may open a data directory: a second PGlite on the same
 * files would corrupt them. An OS file lock next to the directory dies with
 * its process, so a crash never leaves it stale. With `wait`, a busy one is
 * tried again until its time is up.
 */
async function lockDataDir(dataDir: string, wait: EmbeddedWait | undefined): Promise<Deno.FsFile> {
  const deadline = Date.now() + (wait?.ms ?? 0);
  for (let told = false;; told = true) {
    const lockFile = await tryLockFile(`${dataDir}.lock`);
    if (lockFile) return lockFile;
    if (!wait || Date.now() >= deadline) break;
    if (!told) wait.onWaiting(`Waiting for another kyrage process using the embedded database ${dataDir} to finish...`);
    await pause(200);
  }
  throw new KyrageError(
    `The embedded database ${dataDir} is in use by another kyrage process (a running \`kyrage watch\`?)${
      wait ? `, still after ${wait.ms / 1000} s (--lock-timeout)` : ""
    }. Stop that process, or point this one elsewhere with --database-url or --dev.`,
  );
}

/** Open (creating if needed) a PGlite data directory, or `memory://`. */
export async function openPglite(
  dataDir: string,
  options: { onCreate?: (dataDir: string) => void; wait?: EmbeddedWait } = {},
  extensions: readonly string[] = [],
): Promise<Database> {
  if (dataDir === MEMORY_DIR) return await openFreshPglite(extensions);
  await Deno.mkdir(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir, options.wait);
  try {
    const isNew = (await Array.fromAsync(Deno.readDir(dataDir))).length === 0;
    if (isNew) options.onCreate?.(dataDir);
    const loaded = await contribExtensions(extensions);
    let pglite = isNew ? await createPristine(dataDir, loaded) : await PGlite.create(dataDir, pgliteOptions(loaded));
    // Extensions installed earlier work only with their bundles loaded: start again with them (a new one has none).
    const installed = isNew
      ? []
      : (await pglite.query<{ name: string }>("select extname as name from pg_extension")).rows;
    const missing = installed.map((r) => r.name).filter((n) => shipsExtension(n) && !(n in loaded));
    if (missing.length > 0) {
      await pglite.close();
      pglite = await PGlite.create(dataDir, pgliteOptions(await contribExtensions([...extensions, ...missing])));
    }
    return wrap(pglite, `pglite:${dataDir}`, () => lock.close());
  } catch (error) {
    lock.close();
    throw new KyrageError(
      `Cannot open the embedded database in ${dataDir}: ${messageOf(error) || "PGlite failed to start"}. ` +
        "The directory may be damaged or from another PGlite version; move it away and kyrage will create a new one.",
    );
  }
}

/** A new, empty in-memory database (with PGlite's bundles of `extensions`), from a cached pristine image when there is one. */
export async function openFreshPglite(extensions: readonly string[] = []): Promise<Database> {
  const pglite = await createPristine(undefined, await contribExtensions(extensions));
  return wrap(pglite, "pglite:memory://");
}

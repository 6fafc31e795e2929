/**
 * Other server sessions, for tests of apply under real contention: a
 * session holding a lock, waiting until something is visible in the
 * catalogs, migration files written by hand.
 */
import { sql } from "kysely";
import postgres from "postgres";
import { type Database, openDatabase } from "../../src/dialect/database.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { writeMigration } from "../../src/migrations/store.ts";
import type { TestDatabase } from "./backends.ts";

export function migration(dir: string, id: string, operations: Operation[], allowDestructive = false) {
  return writeMigration(`${dir}/migrations`, {
    format: 1,
    id,
    createdAt: "2025-01-01T00:00:00.000Z",
    allowDestructive,
    operations,
  });
}

export const table = (name: string, extra: Operation[] = []): Operation[] => [
  { kind: "create_table", schema: "public", table: name, columns: [{ name: "id", type: "integer", notNull: false }] },
  ...extra,
];

export async function exists(database: Database, name: string): Promise<boolean> {
  const r = await sql<{ found: boolean }>`select to_regclass(${name}) is not null as found`.execute(database.db);
  return r.rows[0].found;
}

/** Hold ACCESS EXCLUSIVE on a table from another session until released. */
export async function holdLock(url: string, tableName: string): Promise<() => Promise<void>> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const session = await client.reserve();
  await session`begin`;
  await session.unsafe(`lock table "${tableName}" in access exclusive mode`);
  return async () => {
    await session`rollback`;
    session.release();
    await client.end({ timeout: 1 });
  };
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Other sessions whose current or last statement contains `text` (optionally: waiting on a lock). */
export async function sessionsWith(database: Database, text: string, waitingOnLock: boolean): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity
    where pid <> pg_backend_pid() and position(${text} in query) > 0
      and (not ${waitingOnLock} or wait_event_type = 'Lock')`.execute(database.db);
  return r.rows[0].n;
}

export const blockedOn = async (database: Database, text: string) => (await sessionsWith(database, text, true)) > 0;

/** application_name of the test's own sessions, so they are never taken for kyrage's. */
const OBSERVER = "kyrage_test_observer";

/** The test's own connection to a server test database. */
export function observe(target: TestDatabase): Promise<Database> {
  const url = new URL(target.databaseUrl!);
  url.searchParams.set("application_name", OBSERVER);
  return openDatabase({ dialect: "postgres", connectionString: url.toString() });
}

/** The pids of every session on this database but the observer's (kyrage's, when a test runs one). */
export async function otherSessions(database: Database): Promise<number[]> {
  const r = await sql<{ pid: number }>`
    select pid from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend'
      and application_name <> ${OBSERVER} and pid <> pg_backend_pid()`.execute(database.db);
  return r.rows.map((row) => row.pid);
}

/** A running CLI process's output as it comes: wait for a line, then for the end. */
export function watchOutput(child: Deno.ChildProcess) {
  let text = "";
  const decoder = new TextDecoder();
  const read = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(new WritableStream({ write: (chunk) => void (text += decoder.decode(chunk, { stream: true })) }));
  const reading = Promise.all([read(child.stdout), read(child.stderr)]);
  return {
    printed: (pattern: RegExp) => waitFor(`the output to match ${pattern}`, () => Promise.resolve(pattern.test(text))),
    async finished(): Promise<{ code: number; text: string }> {
      const { code } = await child.status;
      await reading;
      return { code, text };
    },
  };
}

/** Everything a finished CLI process printed. */
export async function outputOf(child: Deno.ChildProcess): Promise<{ code: number; text: string }> {
  const output = await child.output();
  const decoder = new TextDecoder();
  return { code: output.code, text: decoder.decode(output.stdout) + decoder.decode(output.stderr) };
}

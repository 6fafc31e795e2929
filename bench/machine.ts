/**
 * The machine line of the bench's report. The server is described as it
 * answers (version, fsync), not by the psql client installed next to it:
 * KYRAGE_TEST_DATABASE_URL may name any server.
 */
import postgres from "postgres";

export async function machineLine(serverUrl: string | undefined): Promise<string> {
  const machine = `${Deno.build.target}, ${navigator.hardwareConcurrency} cores, ` +
    `${Math.round(Deno.systemMemoryInfo().total / 2 ** 30)} GiB, Deno ${Deno.version.deno}`;
  return `${machine}, ${serverUrl ? await serverDescription(serverUrl) : "no PostgreSQL server (no item needed one)"}`;
}

async function serverDescription(url: string): Promise<string> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client<{ version: string; fsync: string }[]>`
      select current_setting('server_version') as version, current_setting('fsync') as fsync`;
    // Only the host: the URL may hold a password.
    return `PostgreSQL ${row.version.split(" ")[0]} (${new URL(url).hostname}, fsync ${row.fsync})`;
  } finally {
    await client.end();
  }
}

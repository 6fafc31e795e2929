/**
 * The bench's machine line describes the server the figures were measured on
 * (the README quotes it: "PostgreSQL 15.18 (..., fsync off, ...)"), read from
 * that server, not from the psql client installed next to it.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { machineLine } from "../../bench/machine.ts";
import { serverTest } from "../support/backends.ts";

serverTest("the bench's machine line names the server's version and its fsync setting", async (database, _, target) => {
  const { rows: [server] } = await sql<{ version: string; fsync: string }>`
    select current_setting('server_version') as version, current_setting('fsync') as fsync`.execute(database.db);
  const line = await machineLine(target.databaseUrl);
  assert.ok(line.includes(`PostgreSQL ${server.version.split(" ")[0]} (`), line);
  assert.ok(line.includes(`fsync ${server.fsync}`), line);
  assert.ok(!line.includes(new URL(target.databaseUrl!).password || "\u0000"), "no password printed");
});

Deno.test("the bench's machine line without a server says so", async () => {
  assert.match(await machineLine(undefined), /no PostgreSQL server/);
});

/**
 * Hostile checks of README "Migration files" and "Safety" claims, through the real CLI on the PostgreSQL server and
 * on PGlite. Every test quotes the claim it holds the code to.
 *
 * This file: locks held by other sessions, passwords never printed, hostile identifiers on a server.
 */
import assert from "node:assert/strict";
import { serverTest } from "../support/backends.ts";
import { databaseBlock, spawnCli, tempProject } from "../support/cli.ts";
import { cli, generateAndApply, inlineProject as project, query } from "../support/claims.ts";
import { holdLock } from "../support/sessions.ts";

/** Run the CLI for at most `ms`; kill it (SIGKILL) if it is still running then. */
async function runFor(dir: string, args: string[], ms: number): Promise<{ finished: boolean; output: string }> {
  const child = spawnCli(args, { cwd: dir });
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finished = await Promise.race([
    child.status.then(() => true),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms)),
  ]);
  clearTimeout(timer);
  if (!finished) child.kill("SIGKILL");
  await child.status;
  return { finished, output: `${await stdout}\n${await stderr}` };
}

// README "Safety": "Planning reads the rows it checks with a 5 s `lock_timeout` and names the session holding the
// lock when it runs out." (and no command hangs). `plan` measures the size of each table it touches
// (`pg_total_relation_size`, which takes a lock on it) with no lock_timeout: behind another session's lock it waits
// for as long as that session holds it, printing nothing.
serverTest(
  "plan gives up on a table another session holds locked, instead of waiting for it",
  async (_db, _dir, target) => {
    const dir = await project(
      target,
      `tables: [defineTable("items", { id: column("int", { primaryKey: true }), note: column("text") })]`,
    );
    await generateAndApply(dir);
    const config = `${dir}/kyrage.config.ts`;
    await Deno.writeTextFile(
      config,
      (await Deno.readTextFile(config)).replace(`note: column("text")`, `note: column("text"), extra: column("int")`),
    );
    const release = await holdLock(target.databaseUrl!, "items");
    try {
      const run = await runFor(dir, ["plan"], 30_000);
      assert.ok(
        run.finished,
        `plan was still waiting on the lock after 30 s (planning gives up after 5 s):\n${run.output}`,
      );
    } finally {
      await release();
    }
  },
);

// README "Safety": "Drift: `status` replays the applied history on the dev database and compares it with the live
// schema; `plan --exit-code` exits 2 when the database differs from the config." and "Planning reads the rows it
// checks with a 5 s `lock_timeout` and names the session holding the lock when it runs out". With nothing to change,
// reading the live schema itself waits, silently and for as long as it lasts, on a lock another session holds on a
// managed table (a long migration, a `LOCK TABLE`): `status` and `plan` print nothing and never give up. (Reading a
// column default, `pg_get_expr`, takes a lock on its table.)
serverTest(
  "status and plan --exit-code do not wait for good on a lock another session holds",
  async (_db, _dir, target) => {
    const dir = await project(
      target,
      `tables: [defineTable("items", { id: column("int", { primaryKey: true }), note: column("text", { defaultSql: "'new'" }) })]`,
    );
    await generateAndApply(dir);
    const release = await holdLock(target.databaseUrl!, "items");
    try {
      for (const args of [["status"], ["plan", "--exit-code"]]) {
        const run = await runFor(dir, args, 30_000);
        assert.ok(run.finished, `${args.join(" ")} was still waiting on the lock after 30 s:\n${run.output}`);
      }
    } finally {
      await release();
    }
  },
);

// README "Safety": "Secrets: a password is never printed, whatever the connection string's shape (URL, libpq
// `key=value`, or one that does not parse); every line kyrage prints is scrubbed of it". README "The dev database":
// "With `dev: { connectionString }` in the config, the dev database is a scratch database kyrage creates on that
// PostgreSQL server". A multi-host URL connects, then `new URL` throws on it, with the whole string in its message.
serverTest("the dev connection string's password is never printed (a multi-host URL)", async (_db, _dir, target) => {
  const password = "Dev-Secret-Pw7";
  const url = new URL(target.databaseUrl!);
  const hostPort = `${url.hostname}:${url.port}`;
  const devUrl = `postgres://${url.username}:${password}@${hostPort},${hostPort}/postgres`;
  const dir = await tempProject({
    "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({
  database: ${databaseBlock(target)},
  dev: { connectionString: ${JSON.stringify(devUrl)} },
  tables: [defineTable("items", { id: column("int", { primaryKey: true }) })],
});
`,
  });
  for (const args of [["plan", "--dev"], ["generate", "--dev"], ["check"]]) {
    const result = await cli(dir, ...args);
    assert.ok(!result.output.includes(password), `${args.join(" ")} printed the dev password:\n${result.output}`);
    assert.doesNotMatch(result.output, /unexpected error/, `${args.join(" ")} crashed:\n${result.output}`);
  }
});

// README "Safety": "hostile identifiers (quotes, spaces, dots, `$$`, unicode, reserved words, 63-byte names)" and the
// destructive gate ("dropping a table ... `generate` refuses them without `--allow-destructive`"). kyrage writes
// string literals as '...' with quotes doubled, which holds only under `standard_conforming_strings = on`: on a
// database set to `off` (a legacy setting PostgreSQL still accepts), a backslash in a comment escapes the quote, and
// the rest of the comment runs as SQL. A column comment drops a populated table; nothing flags it.
serverTest(
  "a comment holding a backslash and a quote stays a comment, whatever standard_conforming_strings says",
  async (
    _db,
    _dir,
    target,
  ) => {
    const dir = await project(
      target,
      `tables: [defineTable("victim", { id: column("int") }), defineTable("notes", { id: column("int") })]`,
    );
    await generateAndApply(dir);
    await query(target, "insert into victim values (1), (2)");
    const name = new URL(target.databaseUrl!).pathname.slice(1);
    await query(target, `alter database "${name}" set standard_conforming_strings = off`);
    const comment = String.raw`x\'; DROP TABLE victim; --`;
    const config = `${dir}/kyrage.config.ts`;
    await Deno.writeTextFile(
      config,
      (await Deno.readTextFile(config)).replace(
        `defineTable("notes", { id: column("int") })`,
        `defineTable("notes", { id: column("int", { comment: ${JSON.stringify(comment)} }) })`,
      ),
    );
    const generated = await cli(dir, "generate");
    const applied = await cli(dir, "apply");
    const left = await query<{ found: boolean }>(target, "select to_regclass('public.victim') is not null as found");
    assert.equal(
      left[0].found,
      true,
      `a column comment dropped table victim:\n${generated.output}\n---\n${applied.output}`,
    );
    const stored = await query<{ comment: string | null }>(
      target,
      "select col_description('public.notes'::regclass, 1) as comment",
    );
    assert.deepEqual(stored, [{ comment }]);
  },
);

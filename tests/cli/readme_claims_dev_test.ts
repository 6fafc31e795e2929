/**
 * README claims of "The dev database" (`kyrage dev start | status | get-url | clean`, `--dev` on a running dev
 * server) and "Coming from @izumisy/kyrage" (`kyrage import-upstream`), checked through the real CLI on real
 * databases. Each test quotes the claim it holds the code to.
 */
import assert from "node:assert/strict";
import { runCli, spawnCli, tempProject } from "../support/cli.ts";
import postgres from "postgres";

const config = (columns: string) =>
  `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ tables: [t("members", { id: c("integer", { primaryKey: true }), ${columns} })] });`;

async function psql(url: string, query: string): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command("psql", { args: [url, "-XAtc", query], stdout: "piped", stderr: "piped" })
    .output();
  const decoder = new TextDecoder();
  return { code: output.code, out: decoder.decode(output.stdout).trim() + decoder.decode(output.stderr) };
}

/** A project with one migration, its dev server started (`dev clean` stops it). */
async function startedDevServer() {
  const dir = await tempProject({ "kyrage.config.ts": config(`a: c("text")`) });
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  assert.equal((await cli("generate", "--dev")).code, 0);
  const start = await cli("dev", "start");
  assert.equal(start.code, 0, start.stderr);
  return { dir, cli };
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

// README "The dev database": "`kyrage dev get-url` prints its URL (`psql $(kyrage dev get-url)` works, and so does
// your app), `dev status` says whether it runs, `dev clean` stops it and removes its data. [...] `status`, `get-url`
// and `clean` count a server as running only while its process lives."
// After a SIGKILL, the killed server's state.json stays. A new `dev start` spawns a server that takes the lock
// while it applies the migrations; `runningServer` then takes the lock being held as proof that the stale
// state.json is alive, and when anything listens on the old port, `dev start` reports "ready" with the dead
// server's URL (and pid), which is not the dev database.
Deno.test({
  name: "dev start after a SIGKILL, the old port taken by something else, prints the new server's URL",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ "kyrage.config.ts": config(`a: c("text")`) });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    let squatter: Deno.Listener | undefined;
    try {
      assert.equal((await cli("generate", "--dev")).code, 0);
      const start = await cli("dev", "start");
      assert.equal(start.code, 0, start.stderr);
      const old = JSON.parse(await Deno.readTextFile(`${dir}/.kyrage/dev-server/state.json`));
      Deno.kill(old.pid, "SIGKILL");
      for (let i = 0; i < 50 && !squatter; i++) {
        try {
          squatter = Deno.listen({ hostname: "127.0.0.1", port: old.port });
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      assert.ok(squatter, "the killed server's port is free again");
      // Something else (another app) now listens there and accepts connections.
      const listener = squatter;
      (async () => {
        for await (const conn of listener) conn.close();
      })().catch(() => {});

      const again = await cli("dev", "start");
      assert.equal(again.code, 0, again.stderr);
      const url = /postgres:\/\/\S+/.exec(again.stdout)?.[0];
      assert.ok(url, again.stdout);
      assert.doesNotMatch(url, new RegExp(`:${old.port}/`), `dev start printed the killed server's URL: ${url}`);
      const answer = await psql(url, "select count(*) from members");
      assert.equal(answer.code, 0, `psql ${url}: ${answer.out}`);
      assert.equal(answer.out, "0");
    } finally {
      squatter?.close();
      // The server that start launched may still be applying the migrations: stop it once it serves.
      for (let i = 0; i < 300; i++) {
        const state = await Deno.readTextFile(`${dir}/.kyrage/dev-server/state.json`).then(JSON.parse, () => ({}));
        if (state.pid && alive(state.pid) && !(await cli("dev", "status")).stdout.includes("not running")) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await cli("dev", "clean");
    }
  },
});

// README "The dev database": "While it runs, `plan --dev`, `generate --dev` and `watch --dev` use it: pending
// migrations are applied to it first, and its data is kept; `generate --dev` also applies the file it writes there
// at once" and "`generate --squash` replaces all migrations not yet applied on the target with one file".
// Files `generate --dev` applied to the running dev server are then removed by `generate --squash` (they are not
// applied on the target). The dev server no longer matches the files: `--dev` commands say so and what to do
// (`dev clean`, then `dev start`: its data goes, so kyrage does not decide it), not `rebaseline`, which acts on the
// target and cannot help. After the rebuild, `plan --dev` works.
Deno.test({
  name:
    "after generate --squash of files generate --dev applied to the running dev server, plan --dev says to rebuild it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ "kyrage.config.ts": config(`a: c("text")`) });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    try {
      assert.equal((await cli("generate", "--dev")).code, 0);
      const start = await cli("dev", "start");
      assert.equal(start.code, 0, start.stderr);
      await Deno.writeTextFile(`${dir}/kyrage.config.ts`, config(`a: c("text"), b: c("text")`));
      const generated = await cli("generate", "--dev");
      assert.equal(generated.code, 0, generated.stderr);
      assert.match(generated.stdout, /Applied it to the dev database served by `kyrage dev start`/);

      const squash = await cli("generate", "--squash");
      assert.equal(squash.code, 0, squash.stderr);
      assert.equal([...Deno.readDirSync(`${dir}/migrations`)].length, 1, squash.stdout);

      const refused = await cli("plan", "--dev");
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /no longer matches the migrations directory\. Rebuild it .*`kyrage dev clean`/);
      assert.doesNotMatch(refused.stderr, /rebaseline/);
      assert.equal((await cli("dev", "clean")).code, 0);
      assert.equal((await cli("dev", "start")).code, 0);
      const plan = await cli("plan", "--dev");
      assert.equal(plan.code, 0, plan.stdout + plan.stderr);
      assert.match(plan.stdout, /No changes: the dev database served by `kyrage dev start`/);
    } finally {
      await cli("dev", "clean");
    }
  },
});

// README "The dev database": "`dev status` says whether it runs, `dev clean` stops it and removes its data. [...]
// `status`, `get-url` and `clean` count a server as running only while its process lives."
// `dev clean` while `dev start` is still applying the migrations finds no state.json, so it only removes the
// directory (lock file included). The server carries on: it writes a new state.json and serves, holding its lock on
// the deleted lock file, so `dev status` says "not running" while it answers, and `dev clean` never stops it; the
// `dev start` meanwhile waits its whole two minutes.
Deno.test({
  name: "dev clean while dev start is starting leaves no server running that dev status does not see",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ "kyrage.config.ts": config(`a: c("text")`) });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const exists = (path: string) => Deno.stat(`${dir}/.kyrage/dev-server/${path}`).then(() => true, () => false);
    let orphan: number | undefined;
    const start = spawnCli(["dev", "start"], { cwd: dir });
    try {
      // The server has taken its lock and is creating its PGlite data directory.
      for (let i = 0; i < 600 && !(await exists("data")); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(await exists("data"), "dev start got as far as creating the data directory");
      const clean = await cli("dev", "clean");
      assert.equal(clean.code, 0, clean.stderr);

      // Whatever the server does next, it must not serve unseen: wait until it wrote a state file, if it does.
      for (let i = 0; i < 300 && !(await exists("state.json")); i++) await new Promise((r) => setTimeout(r, 100));
      if (await exists("state.json")) {
        const state = JSON.parse(await Deno.readTextFile(`${dir}/.kyrage/dev-server/state.json`));
        if (alive(state.pid)) {
          orphan = state.pid;
          const status = await cli("dev", "status");
          assert.doesNotMatch(
            status.stdout,
            /not running/,
            `a dev server (pid ${state.pid}, ${state.url}) runs, yet dev status says: ${status.stdout}`,
          );
          assert.equal((await cli("dev", "clean")).code, 0);
          assert.equal(alive(state.pid), false, `dev clean left the dev server (pid ${state.pid}) running`);
        }
      }
    } finally {
      if (orphan !== undefined && alive(orphan)) Deno.kill(orphan, "SIGTERM");
      try {
        start.kill("SIGTERM");
      } catch { /* already exited */ }
      await start.output();
      await cli("dev", "clean");
    }
  },
});

// README "Coming from @izumisy/kyrage" (line 229): "`$development` / `$production` sections [...] every section is
// checked, selected or not". A section that is not selected is checked for unknown keys only: a wrong value in it
// (`online: "yes"`, a misspelt `naming`, an unsupported dialect) passes every command until the day KYRAGE_ENV
// selects it, in the deploy.
Deno.test("a wrong value in an environment section that is not selected is an error at once", async () => {
  for (
    const [section, key] of [[`{ online: "yes" }`, "online"], [`{ naming: "kyrage-v2" }`, "naming"], [
      `{ database: { dialect: "mysql", connectionString: "mysql://db/app" } }`,
      "dialect",
    ]]
  ) {
    const dir = await tempProject({
      "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({
  tables: [t("members", { id: c("integer", { primaryKey: true }) })],
  $production: ${section},
});`,
    });
    const selected = await runCli(["plan", "--dev"], { cwd: dir, env: { KYRAGE_ENV: "production" } });
    assert.equal(selected.code, 1, `${section} selected: ${selected.stdout}`);
    const unselected = await runCli(["plan", "--dev"], { cwd: dir });
    assert.equal(unselected.code, 1, `${section} not selected, yet plan --dev ran: ${unselected.stdout}`);
    assert.match(unselected.stderr, new RegExp(`\\$production.*${key}|${key}.*\\$production`));
  }
});

// README "The dev database" (lines 174-177): "served over the PostgreSQL wire protocol on a local port. `kyrage dev
// get-url` prints its URL (`psql $(kyrage dev get-url)` works, and so does your app) [...] While it runs,
// `plan --dev`, `generate --dev` and `watch --dev` use it".
// Every client shares the one PGlite session, unnamed prepared statements included: while an app queries the dev
// server with parameters (postgres.js, the extended protocol), `plan --dev` crashes with "unexpected error (please
// report it): PostgresError: malformed array literal" / "bind message supplies 1 parameters, but prepared statement
// "" requires 4", and the app gets errors or other clients' rows. Three `plan --dev` at once (or `watch --dev` and
// `generate --dev` in two terminals) fail the same way.
Deno.test({
  name: "plan --dev on the running dev server while an app queries it: both get their own answers",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { cli } = await startedDevServer();
    try {
      const url = (await cli("dev", "get-url")).stdout.trim();

      // An app as kyrage itself connects (unnamed statements, e.g. behind pgbouncer), each query new to the server.
      const app = postgres(url, { max: 1, prepare: false, onnotice: () => {} });
      const appErrors: string[] = [];
      let planning = true;
      const appLoop = (async () => {
        for (let i = 0; planning; i++) {
          try {
            const rows = await app.unsafe(`select $1::int as n, $2::text as label, ${i % 7} as k`, [i, `row ${i}`]);
            if (rows[0]?.n !== i || rows[0]?.label !== `row ${i}`) appErrors.push(`got ${JSON.stringify(rows)}`);
          } catch (error) {
            appErrors.push(String(error));
          }
        }
      })();
      const plan = await cli("plan", "--dev");
      planning = false;
      await appLoop;
      await app.end();
      assert.equal(plan.code, 0, plan.stdout + plan.stderr);
      assert.match(plan.stdout, /No changes: the dev database served by `kyrage dev start`/);
      assert.deepEqual(appErrors.slice(0, 3), []);
    } finally {
      await cli("dev", "clean");
    }
  },
});

// README "The dev database" (line 177): "While it runs, `plan --dev`, `generate --dev` and `watch --dev` use it".
// Two terminals (a `plan --dev` while another runs) share the one PGlite session, unnamed statements included, and
// crash: "unexpected error (please report it): PostgresError: malformed array literal" or "invalid input syntax for
// type bigint".
Deno.test({
  name: "three plan --dev at once on the running dev server all succeed",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { cli } = await startedDevServer();
    try {
      const plans = await Promise.all([1, 2, 3].map(() => cli("plan", "--dev")));
      for (const plan of plans) {
        assert.equal(plan.code, 0, plan.stdout + plan.stderr);
        assert.match(plan.stdout, /No changes: the dev database served by `kyrage dev start`/);
      }
    } finally {
      await cli("dev", "clean");
    }
  },
});

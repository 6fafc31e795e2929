/**
 * README "The two commands", "Install", "Quick start", "Commands" and "The dev
 * database" held to what a new user meets: a checkout under a path with
 * spaces, output to a file, a mistyped config path, a project directory that
 * cannot be written, a server that never answers, and which connection
 * string wins.
 */
import assert from "node:assert/strict";
import { RUNTIME_PERMISSIONS } from "../../scripts/permissions.ts";
import { backendTest, serverTest } from "../support/backends.ts";
import { copyDir } from "../support/pglite_template.ts";
import { DENO_CONFIG, MAIN, ROOT, runCli, tempProject } from "../support/cli.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * A copy of the checkout (what the tasks and the CLI run from) under a directory whose name has a space and
 * non-ASCII letters. A copy, not a symlink: `deno task --config` resolves a symlinked config to its real path.
 */
async function checkoutUnderOddPath(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const parent = await Deno.makeTempDir({ prefix: "kyrage checkout ü " });
  const root = `${parent}/kyrage çø`;
  for (const dir of ["src", "scripts", "examples"]) await copyDir(`${ROOT}${dir}`, `${root}/${dir}`);
  for (const file of ["deno.json", "deno.lock"]) await Deno.copyFile(`${ROOT}${file}`, `${root}/${file}`);
  return { root, cleanup: () => Deno.remove(parent, { recursive: true }) };
}

/** The env a user has: no NO_COLOR, no DATABASE_URL, output to a pipe. */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const { DATABASE_URL: _url, INIT_CWD: _cwd, NO_COLOR: _color, ...inherited } = Deno.env.toObject();
  return { ...inherited, ...extra };
}

/** `deno <args>` as a user runs it: with only the user's env, output to a pipe. */
function denoAsUser(args: string[], options: { cwd?: string; env: Record<string, string> }): Deno.Command {
  return new Deno.Command(Deno.execPath(), { args, ...options, clearEnv: true, stdout: "piped", stderr: "piped" });
}

/** `kyrage <args>` from this checkout in `dir`, as a user runs it (`userEnv(extra)`). */
const kyrageAsUser = (dir: string, args: string[], extra?: Record<string, string>) =>
  denoAsUser(["run", "--allow-all", "--config", DENO_CONFIG, MAIN, ...args], { cwd: dir, env: userEnv(extra) });

const exampleFiles = async () => ({
  "kyrage.config.ts": await Deno.readTextFile(`${ROOT}examples/basic/kyrage.config.ts`),
  "schema.ts": await Deno.readTextFile(`${ROOT}examples/basic/schema.ts`),
});

Deno.test({
  // README: "deno task demo   # main job: examples/basic from nothing to applied, on the embedded database"
  // Instead, from a checkout under a path with a space: NotFound on copy '/tmp/kyrage%20checkout...' (the
  // script used the URL's percent-encoded pathname as a file path), an uncaught stack trace, exit 1.
  name: "README: `deno task demo` works from a checkout under a path with spaces and non-ASCII letters",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { root, cleanup } = await checkoutUnderOddPath();
    try {
      const output = await denoAsUser(["task", "-q", "--config", `${root}/deno.json`, "demo"], {
        env: userEnv({ NO_COLOR: "1" }),
      }).output();
      assert.equal(output.code, 0, decode(output.stderr));
      assert.match(decode(output.stdout), /-- No changes: /);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  // README: "where that host is unreachable, ... run `DENORT_BIN=/path/to/denort deno task compile`. Without
  // either, the task stops with a message saying so." Instead, from a checkout under a path with a space,
  // `deno compile` ran in a directory that does not exist and the task said only "deno compile failed".
  name: "README: `deno task compile` names the denort problem from a checkout under a path with spaces",
  async fn() {
    const { root, cleanup } = await checkoutUnderOddPath();
    try {
      const output = await denoAsUser(["task", "-q", "--config", `${root}/deno.json`, "compile"], {
        env: userEnv({ NO_COLOR: "1", DENORT_BIN: "/nonexistent/denort" }),
      }).output();
      assert.equal(output.code, 1);
      assert.match(decode(output.stderr), /could not get the denort base binary .* DENORT_BIN=\/nonexistent\/denort/);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  // README: "`kyrage dev start` keeps one running instead, without Docker" (and "From a checkout with Deno 2").
  // Instead, from a checkout under a path with a space, `dev start` restarted itself with the percent-encoded
  // URL pathname of src/main.ts, the child died at once, and dev start said "stopped before it was ready:
  // no reason given".
  name: "README: `kyrage dev start` from a checkout under a path with spaces, under the task's permissions",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { root, cleanup } = await checkoutUnderOddPath();
    const dir = await tempProject(await exampleFiles());
    const kyrage = (...args: string[]) =>
      denoAsUser([
        "run",
        "--no-prompt",
        ...RUNTIME_PERMISSIONS,
        "--config",
        `${root}/deno.json`,
        `${root}/src/main.ts`,
        ...args,
      ], { cwd: dir, env: userEnv({ NO_COLOR: "1" }) }).output();
    try {
      const start = await kyrage("dev", "start");
      assert.equal(start.code, 0, decode(start.stderr));
      assert.match(decode(start.stdout), /Dev database ready, .*: postgres:\/\//);
      const plan = await kyrage("plan", "--dev");
      assert.equal(plan.code, 0, decode(plan.stderr));
      assert.match(decode(plan.stdout), /the dev database served by `kyrage dev start`/);
    } finally {
      const clean = await kyrage("dev", "clean");
      assert.equal(clean.code, 0, decode(clean.stderr));
      await cleanup();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  // README (Watch mode): "Output is plain text". The CLI writes no colour anywhere. Instead, with output to a
  // file or a pipe (no NO_COLOR), a config importing a missing file printed Deno's ANSI colour codes around
  // the file:line:column, in plan and in watch.
  name: "README: output to a pipe is plain text, even for a config whose import is missing",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({
      "kyrage.config.ts": `import { users } from "./schema_missing.ts";
export default { tables: [users] };`,
    });
    try {
      const plan = await runCli(["plan"], { cwd: dir, env: userEnv() });
      assert.equal(plan.code, 1);
      assert.match(
        plan.stderr,
        /error: Cannot load config .*kyrage\.config\.ts: Module not found .*schema_missing\.ts/,
      );
      assert.match(plan.stderr, /kyrage\.config\.ts:1:\d+/, "the location is still given");
      assert.ok(!plan.stderr.includes("\x1b"), `no ANSI escape codes: ${JSON.stringify(plan.stderr)}`);

      const watch = kyrageAsUser(dir, ["watch"]).spawn();
      const stdout = new Response(watch.stdout).text();
      let stderr = "";
      for await (const chunk of watch.stderr.pipeThrough(new TextDecoderStream())) {
        stderr += chunk;
        if (/error: .*\n(.*\n)?/.test(stderr) && stderr.includes("watching")) watch.kill("SIGINT");
      }
      await watch.status;
      const text = (await stdout) + stderr;
      assert.match(text, /Module not found/);
      assert.ok(!text.includes("\x1b"), `no ANSI escape codes in watch either: ${JSON.stringify(text)}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  // README: "Every command takes `--config <path>` (default `kyrage.config.ts`)"; the other commands refuse a path
  // that names no file ("Config file not found ... Create one, or point to it with --config <path>", exit 1).
  // Instead `watch --config typo.ts` printed 'Module not found "file:///..."' and kept watching a file that
  // does not exist, never exiting.
  name: "README: `watch --config <path>` naming no file exits 1 with the same message as every other command",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({});
    try {
      const child = kyrageAsUser(dir, ["watch", "--config", "typo.config.ts"], { NO_COLOR: "1" }).spawn();
      const timer = setTimeout(() => child.kill("SIGINT"), 20_000);
      const output = await child.output();
      clearTimeout(timer);
      assert.equal(output.code, 1, "watch exits at once");
      assert.match(
        decode(output.stderr),
        /^error: Config file not found: .*\/typo\.config\.ts\. Create one, or point to it with --config <path>\.\n$/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  // README: "`dev start | status | get-url | clean [--port n]`". Instead, `--port abc` or `--port 99999` started a
  // server process that died at once and dev start said "stopped before it was ready: options.port should be
  // >= 0 and < 65536. Received NaN." (a Node API's words, not naming --port).
  name: "README: `dev start --port n` refuses a value that is not a port, naming --port",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject(await exampleFiles());
    try {
      for (const port of ["abc", "99999", "0"]) {
        const result = await runCli(["dev", "start", "--port", port], { cwd: dir });
        assert.equal(result.code, 1, port);
        assert.equal(
          result.stderr,
          `error: --port takes a port number from 1 to 65535, not "${port}". Nothing was started.\n`,
        );
      }
      const status = await runCli(["dev", "status"], { cwd: dir });
      assert.equal(status.stdout, "The dev database is not running.\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  // README: "Every command takes `--config <path>` (default `kyrage.config.ts`)" and the binary goes on the PATH,
  // so a project script may run `cd db && kyrage plan`. npm and deno task set INIT_CWD to where the script was
  // started; kyrage read it as the user's directory wherever it ran, so it looked for <INIT_CWD>/kyrage.config.ts
  // and said "Config file not found" (INIT_CWD means that only for this checkout's own `deno task kyrage`).
  name: "README: the default --config is in the directory kyrage runs in, whatever INIT_CWD an npm script set",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await tempProject({ "package.json": `{ "scripts": { "plan": "cd db && kyrage plan --dev" } }` });
    const dir = `${root}/db`;
    try {
      for (const [name, text] of Object.entries(await exampleFiles())) {
        await Deno.mkdir(dir, { recursive: true });
        await Deno.writeTextFile(`${dir}/${name}`, text);
      }
      const result = await runCli(["plan", "--dev"], { cwd: dir, env: { INIT_CWD: root } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`to ${dir}/kyrage\\.config\\.ts:`));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  // README (Install): kyrage reads and writes "the project, `migrations/`, `.kyrage/`"; exit code 1 on an error,
  // which names what it is about. Instead, a project where `.kyrage` cannot be made a directory (read-only, or
  // a file in its place) gave "kyrage: unexpected error (please report it)" and a stack trace, for plan,
  // apply, status and dev start.
  name: "README: a project directory kyrage cannot write to gives a one-paragraph error, not 'unexpected error'",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ ...await exampleFiles(), ".kyrage": "not a directory\n" });
    try {
      for (const args of [["plan"], ["apply"], ["status"], ["dev", "start"]]) {
        const result = await runCli(args, { cwd: dir });
        assert.equal(result.code, 1, args.join(" "));
        assert.doesNotMatch(result.stderr, /unexpected error|\n\s+at /, `${args.join(" ")}: ${result.stderr}`);
        assert.match(
          result.stderr,
          /error: Not a directory \(os error 20\): mkdir '.*\/\.kyrage\/[a-z-]+'\. kyrage keeps migrations\/ and \.kyrage\/ beside the config/,
          args.join(" "),
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

backendTest(
  // README: "Against a server instead of the embedded database: `--database-url postgres://user:pass@host:5432/db`";
  // an unreachable server gives "Cannot connect to PostgreSQL at ...". Instead, when what answers at that address
  // is not PostgreSQL (a web server on the port, or a network's transparent proxy, as on this machine for every
  // outside address), `plan` prints nothing and never exits: postgres.js reads the HTTP reply, the socket closes,
  // and it connects again, forever (connect_timeout is over once TCP connects).
  "README: a server address where something other than PostgreSQL answers fails with a clear error",
  async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const serving = (async () => {
      for await (const conn of listener) {
        await conn.read(new Uint8Array(1024)).catch(() => null);
        await conn.write(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n"))
          .catch(() => 0);
        conn.close();
      }
    })().catch(() => {});
    const port = (listener.addr as Deno.NetAddr).port;
    const dir = await tempProject({ "kyrage.config.ts": `export default { tables: [] };` });
    try {
      const child = kyrageAsUser(
        dir,
        ["plan", "--database-url", `postgres://app:secret@127.0.0.1:${port}/app?connect_timeout=2`],
        { NO_COLOR: "1" },
      ).spawn();
      const started = Date.now();
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const output = await child.output();
      clearTimeout(timer);
      assert.ok(Date.now() - started < 30_000, "plan gave up on its own");
      assert.equal(output.code, 1);
      assert.match(
        decode(output.stderr),
        new RegExp(`Cannot connect to PostgreSQL at postgres://app@127\\.0\\.0\\.1:${port}`),
      );
    } finally {
      listener.close();
      await serving;
      await Deno.remove(dir, { recursive: true });
    }
  },
  ["pglite"],
);

serverTest(
  // README: "--database-url <url> ... (overrides DATABASE_URL and the config)" (help), and "Against a server ...:
  // `--database-url`, or `DATABASE_URL`, or `database: {...}` in the config"; `check` takes no --database-url and
  // replays on a fresh dev database. These hold.
  "README: --database-url over DATABASE_URL over the config's database; check ignores DATABASE_URL",
  async (_database, _dir, target) => {
    const url = target.databaseUrl!;
    const dead = "postgres://app:s3cretpw@127.0.0.1:1/nowhere";
    const dir = await tempProject({
      "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { users, posts } from "./schema.ts";
export default defineConfig({ database: { dialect: "postgres", connectionString: ${
        JSON.stringify(dead)
      } }, tables: [users, posts] });`,
      "schema.ts": (await exampleFiles())["schema.ts"],
    });
    try {
      const flag = await runCli(["plan", "--exit-code", "--database-url", url], {
        cwd: dir,
        env: { DATABASE_URL: dead },
      });
      assert.equal(flag.code, 2, flag.stderr);
      const env = await runCli(["plan", "--exit-code"], { cwd: dir, env: { DATABASE_URL: url } });
      assert.equal(env.code, 2, env.stderr);
      assert.match(env.stdout, /CREATE TABLE "public"\."users"/);
      const config = await runCli(["plan"], { cwd: dir });
      assert.equal(config.code, 1);
      assert.match(config.stderr, /Cannot connect to PostgreSQL at postgres:\/\/app@127\.0\.0\.1:1\/nowhere/);
      assert.doesNotMatch(config.stderr + flag.stderr + env.stderr, /s3cretpw/);
      const generated = await runCli(["generate", "--dev"], { cwd: dir, env: { DATABASE_URL: dead } });
      assert.equal(generated.code, 0, generated.stderr);
      const check = await runCli(["check"], { cwd: dir, env: { DATABASE_URL: dead } });
      assert.equal(check.code, 0, check.stderr);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

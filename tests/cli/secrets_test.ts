/**
 * No password in any output, against a server that really checks passwords (scram-sha-256 for the role these
 * tests create). Three layers are tested here, each on its own: the connect error path (`openPostgres`), the CLI's
 * registration of every password it may meet (`registerSecrets`, `targetOf`), and the CLI end to end. The parser
 * and `Output` have their own unit tests (tests/unit/connection_string_test.ts, tests/unit/output_test.ts).
 */
import { EMPTY_MODEL } from "../../src/model/schema_model.ts";
import assert from "node:assert/strict";
import { registerSecrets, targetOf } from "../../src/cli/context.ts";
import { Output } from "../../src/cli/output.ts";
import type { LoadedConfig } from "../../src/config/load.ts";
import { spellingsOf } from "../../src/dialect/connection_string.ts";
import { openPostgres } from "../../src/dialect/postgres/connect.ts";
import { KyrageError } from "../../src/errors.ts";
import { runCli, tempProject, watchUntilError } from "../support/cli.ts";
import { assertPasswordsChecked, createScramDatabase, type ScramDatabase } from "../support/scram.ts";

/** Every character a URL or a libpq string treats specially. */
const PASSWORD = `p@ss:w/rd% 'x"`;
const TABLES = `defineTable("items", { id: column("int", { primaryKey: true }), name: column("text") })`;

function configFile(connectionString?: string): string {
  const database = connectionString === undefined
    ? ""
    : `database: { dialect: "postgres", connectionString: ${JSON.stringify(connectionString)} }, `;
  return `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ ${database}tables: [${TABLES}] });`;
}

function assertNoPassword(printed: string, password: string, what: string): void {
  for (const spelling of spellingsOf(password)) {
    assert.ok(!printed.includes(spelling), `${what} printed the password (${spelling}):\n${printed}`);
  }
}

/** A test on a fresh scram-checked database; fails (never skips) when the server lets a wrong password in. */
function scramTest(name: string, fn: (db: ScramDatabase) => Promise<void>): void {
  Deno.test({
    name: `${name} [postgres]`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const db = await createScramDatabase(PASSWORD);
      try {
        await assertPasswordsChecked(db);
        await fn(db);
      } finally {
        await db.dispose();
      }
    },
  });
}

scramTest("the right password connects, URL percent-encoded or libpq quoted; a wrong one is refused", async (db) => {
  const dir = await tempProject({ "kyrage.config.ts": configFile() });
  const viaFlag = await runCli(["plan", "--database-url", db.url(PASSWORD)], { cwd: dir });
  assert.equal(viaFlag.code, 0, viaFlag.stderr);
  assert.match(viaFlag.stdout, /CREATE TABLE "public"\."items"/);
  const viaEnv = await runCli(["plan"], { cwd: dir, env: { DATABASE_URL: db.libpq(PASSWORD) } });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.match(viaEnv.stdout, new RegExp(`to bring host=${db.host} port=${db.port} dbname=${db.database} user=`));

  const configured = await tempProject({ "kyrage.config.ts": configFile(db.libpq(PASSWORD)) });
  assert.equal((await runCli(["generate"], { cwd: configured })).code, 0);
  const applied = await runCli(["apply"], { cwd: configured });
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /Applied 1 migration to host=/);

  const wrong = "Wr0ng-but-close";
  for (const connectionString of [db.url(wrong), db.libpq(wrong)]) {
    const refused = await runCli(["plan", "--database-url", connectionString], { cwd: dir });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /password authentication failed for user/);
    assert.match(refused.stderr, /from --database-url is right/);
    assertNoPassword(refused.stdout + refused.stderr, wrong, "a refused login");
  }
});

scramTest("no command prints the password of a connection string that works, or of one that fails", async (db) => {
  const url = db.url(PASSWORD);
  const dir = await tempProject({ "kyrage.config.ts": configFile(url) });
  const runs = [
    ["plan"],
    ["plan", "--json"],
    ["generate"],
    ["apply", "--dry-run"],
    ["apply"],
    ["status"],
    ["status", "--json"],
    ["rebaseline"],
    ["pull", "--out", "pulled.ts"],
    ["plan", "--database-url", url.replace(/\/[^/]*$/, "/no_such_db")],
    ["apply", "--database-url", url.replace(/:\d+\//, ":1/")],
    ["status", "--database-url", db.libpq(PASSWORD).replace(/dbname=\S+/, "dbname=no_such_db")],
  ];
  for (const args of runs) {
    const result = await runCli(args, { cwd: dir, env: { DATABASE_URL: db.libpq(PASSWORD) } });
    const printed = result.stdout + result.stderr;
    assert.ok(printed.length > 0, `${args.join(" ")} printed something`);
    assertNoPassword(printed, PASSWORD, args.join(" "));
  }
});

/** Connection strings that do not parse, each holding the role's real password. */
function unparsable(db: ScramDatabase): Record<string, string> {
  const encoded = encodeURIComponent(PASSWORD);
  const at = `${db.host}:${db.port}/${db.database}`;
  return {
    "a port typo": `postgres://${db.user}:${encoded}@${db.host}:${db.port}x/${db.database}`,
    "an unencoded password": `postgres://${db.user}:${PASSWORD}@${at}`,
    "an unencoded password without quotes": `postgres://${db.user}:p@ss:w/rd%@${at}`,
    "a space": `postgres://${db.user}:${encoded}@${db.host} :${db.port}/${db.database}`,
    "libpq, password unquoted": `host=${db.host} port=${db.port} dbname=${db.database} password=${PASSWORD}`,
    "libpq, quote unterminated": db.libpq(PASSWORD).slice(0, -1),
    "a mysql:// URL": `mysql://${db.user}:${encoded}@${db.host}:3306/${db.database}`,
  };
}

const COMMANDS = [
  ["plan"],
  ["plan", "--json"],
  ["generate"],
  ["apply"],
  ["apply", "--dry-run"],
  ["status", "--json"],
  ["rebaseline"],
  ["pull", "--out", "pulled.ts"],
];

scramTest("an unparsable connection string: exit 1, one paragraph naming its source, no password", async (db) => {
  for (const [shape, connectionString] of Object.entries(unparsable(db))) {
    const password = shape.includes("without quotes") ? "p@ss:w/rd%" : PASSWORD;
    const plain = await tempProject({ "kyrage.config.ts": configFile() });
    const configured = await tempProject({ "kyrage.config.ts": configFile(connectionString) });
    const sources: { origin: string; cwd: string; args: string[]; env: Record<string, string> }[] = [
      { origin: "--database-url", cwd: plain, args: ["--database-url", connectionString], env: {} },
      { origin: "DATABASE_URL", cwd: plain, args: [], env: { DATABASE_URL: connectionString } },
      { origin: `database.connectionString in ${configured}/kyrage.config.ts`, cwd: configured, args: [], env: {} },
    ];
    for (const { origin, cwd, args, env } of sources) {
      for (const command of COMMANDS) {
        const what = `${command.join(" ")} with ${shape} from ${origin}`;
        const result = await runCli([...command, ...args], { cwd, env });
        assertNoPassword(result.stdout + result.stderr, password, what);
        assert.equal(result.code, 1, `${what}: ${result.stderr}`);
        assert.equal(result.stdout, "", what);
        const paragraph = `error: The PostgreSQL connection string from ${origin} `;
        assert.ok(result.stderr.startsWith(paragraph), `${what}: ${result.stderr}`);
        assert.equal(result.stderr.trim().split("\n").length, 1, `${what}: one paragraph`);
      }
      const watched = await watchUntilError(cwd, args, env);
      assert.match(watched, new RegExp(`error: The PostgreSQL connection string from ${origin.replace(".", "\\.")}`));
      assertNoPassword(watched, password, `watch with ${shape} from ${origin}`);
    }
  }
});

scramTest("a config that quotes the connection strings in its own error is printed scrubbed", async (db) => {
  // Configs read DATABASE_URL themselves; `new URL(...)` then throws with the whole string in its message.
  const dir = await tempProject({
    "kyrage.config.ts": `new URL(Deno.env.get("DATABASE_URL")!);
throw new Error("unreachable: " + Deno.args.join(" "));`,
  });
  const cases = [
    { args: [], env: { DATABASE_URL: unparsable(db)["an unencoded password"] }, quoted: /Invalid URL: '.*\*\*\*/ },
    {
      args: ["--database-url", db.url(PASSWORD)],
      env: { DATABASE_URL: db.url(PASSWORD) },
      quoted: /unreachable: .*\*\*\*/,
    },
    {
      args: ["--database-url", db.libpq(PASSWORD)],
      env: { DATABASE_URL: db.url(PASSWORD) },
      quoted: /unreachable: .*\*\*\*/,
    },
  ];
  for (const { args, env, quoted } of cases) {
    const result = await runCli(["plan", ...args], { cwd: dir, env });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Cannot load config/);
    assert.match(result.stderr, quoted);
    assertNoPassword(result.stdout + result.stderr, PASSWORD, `plan ${args.join(" ")}`);
  }
});

scramTest("the connect error path scrubs the password from what the server and driver say", async (db) => {
  // In `postgres:postgres` style logins the user name is the password: the label and the server's
  // "password authentication failed for user ..." both show it.
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const cases = [
    [db.url(db.user), /password authentication failed for user "\*\*\*"/],
    [db.libpq(db.user), /password authentication failed for user "\*\*\*"/],
    [`postgres://${db.user}:${db.user}@127.0.0.1:${closedPort}/${db.database}`, /at postgres:\/\/\*\*\*@127\.0\.0\.1:/],
    [
      `host=127.0.0.1 port=${closedPort} user=${db.user} password=${db.user}`,
      /at host=127\.0\.0\.1 port=\d+ user=\*\*\*/,
    ],
  ] as const;
  for (const [connectionString, expected] of cases) {
    const error = await openPostgres(connectionString, "--database-url").then(
      (opened) => opened.close().then(() => undefined),
      (e: unknown) => e,
    );
    assert.ok(error instanceof KyrageError, `${connectionString} was refused`);
    assert.match(error.message, /^Cannot connect to PostgreSQL at /);
    assert.match(error.message, expected);
    assert.match(error.message, /connection string from --database-url is right\.$/);
    assertNoPassword(error.message, db.user, connectionString);
  }
});

Deno.test("the CLI registers every password it may meet before anything can print it", () => {
  const printed: string[] = [];
  const out = new Output({ stdout: (text) => printed.push(text), stderr: (text) => printed.push(text) });
  const fromFlag = "Flag-Secret-1";
  const fromEnv = "Env-Secret-2";
  const fromConfig = "Config-Secret-3";
  const previous = Deno.env.get("DATABASE_URL");
  Deno.env.set("DATABASE_URL", `postgres://app:${fromEnv}@127.0.0.1:5432x/db`);
  try {
    registerSecrets(out, { databaseUrl: `host=h password='${fromFlag}` });
    const config: LoadedConfig = {
      path: "/p/kyrage.config.ts",
      dir: "/p",
      migrationsDir: "/p/migrations",
      desired: EMPTY_MODEL,
      online: true,
      database: { dialect: "postgres", connectionString: `postgres://app:${fromConfig}@h:1x/db` },
    };
    const { target } = targetOf(config, {}, out);
    // DATABASE_URL beats the config; the config's password is registered all the same.
    assert.equal(target.dialect === "postgres" && target.origin, "DATABASE_URL");
  } finally {
    if (previous === undefined) Deno.env.delete("DATABASE_URL");
    else Deno.env.set("DATABASE_URL", previous);
  }
  for (const secret of [fromFlag, fromEnv, fromConfig]) {
    out.line(`a line with ${secret}`);
    out.error(`an error with ${encodeURIComponent(secret)}`);
  }
  // DATABASE_URL over the config's database is said first (resolveTarget's notice), with neither password.
  const [notice, ...lines] = printed;
  assert.match(notice, /^Using DATABASE_URL .*not the database the config names/);
  for (const secret of [fromFlag, fromEnv, fromConfig]) assert.ok(!notice.includes(secret), notice);
  assert.deepEqual(lines, Array(3).fill(["a line with ***", "an error with ***"]).flat());
});

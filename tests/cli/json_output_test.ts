/**
 * What CI scripts rely on (README "Commands", "Machine-readable output"): `plan --json` and `status --json` print
 * one JSON document on stdout and nothing else there, carry every fact the text output shows, under the field
 * names README documents, and never a password; an error prints one paragraph on stderr, nothing on stdout, and
 * exits 1; `--exit-code` exits 2 exactly when README says.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { backendTest, serverTest } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";
import { assertPasswordsChecked, createScramDatabase } from "../support/scram.ts";
import { holdLock } from "../support/sessions.ts";
import { spellingsOf } from "../../src/dialect/connection_string.ts";

/** Quotes, a backslash, unicode and a newline: all must come back from JSON.parse as they were declared. */
const HOSTILE = `it's "q" \\ é ☃\nline 2`;

const config = (database: string, prelude = "") =>
  `import { column, defineConfig, defineTable } from "kyrage";
${prelude}
export default defineConfig({ database: ${database}, tables: [
  defineTable("items", {
    id: column("int", { primaryKey: true }),
    name: column("text", { notNull: true }),
    new_col: column("text", { comment: ${JSON.stringify(HOSTILE)} }),
  }, (t) => [t.index(["name"])]),
] });
`;

/** Every string anywhere in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

function parse(stdout: string, what: string) {
  try {
    return JSON.parse(stdout);
  } catch (error) {
    assert.fail(`${what}: stdout is not one JSON document (${error}):\n${stdout}`);
  }
}

backendTest("plan --json and status --json carry every fact their text shows, hostile text intact", async (target) => {
  const database = await target.open();
  try {
    for (
      const statement of [
        "create table items (id int primary key, name text, old_col text)",
        "insert into items values (1, null, 'x')",
        // Aggregates are not managed: listed, never compared.
        "create aggregate total(integer) (sfunc = int4pl, stype = integer)",
      ]
    ) await sql.raw(statement).execute(database.db);
  } finally {
    await database.close();
  }
  const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(target)) });
  const [text, json] = [
    await runCli(["plan", "--exit-code"], { cwd: dir }),
    await runCli(["plan", "--json"], {
      cwd: dir,
    }),
  ];
  assert.equal(text.code, 2, text.stderr);
  assert.equal(json.code, 0, json.stderr);
  const plan = parse(json.stdout, "plan --json");
  // Every comment the text plan prints (after its header) is in the JSON: the operation's description, its lock
  // labels with the table's size, DESTRUCTIVE, OUTSIDE A TRANSACTION, POSSIBLE RENAME, WILL FAIL and NOT MANAGED.
  // Was: sizes of the labels, OUTSIDE A TRANSACTION, the descriptions and POSSIBLE RENAME were missing.
  const facts = new Set(strings(plan));
  for (const step of plan.steps ?? []) {
    if (step.destructive) facts.add(`DESTRUCTIVE: loses ${step.destructive}`);
    if (step.outsideTransaction) {
      facts.add("OUTSIDE A TRANSACTION: CONCURRENTLY cannot run in one; generated as a migration of its own");
    }
  }
  for (const hint of plan.possibleRenames ?? []) facts.add(`POSSIBLE RENAME: ${hint}`);
  for (const b of plan.blockers) facts.add(`WILL FAIL: ${b.object} ${b.reason}`);
  facts.add(`NOT MANAGED (left as they are): ${plan.unmanaged.join(", ")}`);
  const comments = text.stdout.split("\n").filter((line) => line.startsWith("-- ")).slice(1);
  for (const kind of ["DESTRUCTIVE", "OUTSIDE A TRANSACTION", "POSSIBLE RENAME", "WILL FAIL", "NOT MANAGED", "kB"]) {
    assert.ok(comments.some((c) => c.includes(kind)), `the scenario shows ${kind}:\n${text.stdout}`);
  }
  for (const comment of comments) {
    assert.ok(facts.has(comment.slice(3)), `plan --json lacks "${comment}":\n${json.stdout}`);
  }
  // The statements, grouped by operation, are the SQL the text prints; the hostile comment survives both.
  const sqlText = text.stdout.split("\n").filter((line) => !line.startsWith("-- ")).join("\n").trim();
  const steps: { statements: string[] }[] = plan.steps ?? [];
  assert.equal(steps.length, plan.operations.length);
  assert.deepEqual(steps.flatMap((s) => s.statements), plan.statements);
  assert.equal(plan.statements.map((s: string) => s.endsWith(";") ? s : `${s};`).join("\n"), sqlText);
  assert.ok(plan.operations.some((op: { column?: { comment?: string } }) => op.column?.comment === HOSTILE));
  assert.equal(plan.config, `${dir}/kyrage.config.ts`);

  // status: the drift it describes in text (no history: everything live is drift) is described in JSON too.
  const [statusText, statusJson] = [
    await runCli(["status", "--exit-code"], { cwd: dir }),
    await runCli(["status", "--json", "--exit-code"], { cwd: dir }),
  ];
  assert.equal(statusText.code, 2, "drift with --exit-code");
  assert.equal(statusJson.code, 2, "drift with --json --exit-code");
  const status = parse(statusJson.stdout, "status --json");
  const described = statusText.stdout.split("\n").filter((line) => line.startsWith("  - ")).map((l) => l.slice(2));
  assert.ok(described.length > 0, statusText.stdout);
  assert.deepEqual(status.drift?.changes, described, "drift.changes: what text status prints per operation");
  assert.deepEqual(status.unmanaged, ["aggregate public.total(integer)"]);
});

backendTest(
  "stdout is kyrage's alone: what a config logs goes to stderr; an error is one paragraph",
  async (target) => {
    // dotenv (and many configs) console.log while loading; that line on stdout broke every `plan --json | jq`, and
    // `plan | psql` ran it as SQL. It belongs on stderr.
    const logs = `console.log("[dotenv@17.2.0] injecting env (1) from .env");\nconsole.info("info from the config");`;
    const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(target), logs) });
    for (const args of [["plan", "--json"], ["plan", "--json", "--dev"], ["status", "--json"]]) {
      const run = await runCli(args, { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      parse(run.stdout, args.join(" "));
      assert.match(run.stderr, /\[dotenv@17\.2\.0\] injecting env[^]*info from the config/, args.join(" "));
    }
    // An error with --json: exit 1, nothing on stdout, one paragraph on stderr (README documents this).
    const refused = await runCli(["plan", "--json", "--database-url", "postgres://ci:s3cret@127.0.0.1:1/app"], {
      cwd: dir,
    });
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, "");
    const [logged, info, error, ...rest] = refused.stderr.trim().split("\n");
    assert.deepEqual([logged, info], ["[dotenv@17.2.0] injecting env (1) from .env", "info from the config"]);
    assert.match(error, /^error: Cannot connect to PostgreSQL at postgres:\/\/ci@127\.0\.0\.1:1\/app: /);
    assert.deepEqual(rest, [], refused.stderr);
    assert.ok(!refused.stderr.includes("s3cret"), refused.stderr);
  },
  ["pglite"],
);

Deno.test({
  name: "no password in --json, whatever characters it has, and field names survive a password that is one [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // The text is scrubbed after JSON.stringify escaped it: `"` became `\"` (and SQL's `'` became `''` in a
    // statement), a spelling the scrub did not know, so the password was printed. A password equal to a field name
    // ("pending") turned the field into "***". Scrubbing string values before encoding fixes both.
    const cases = [
      { secret: `p@ss:w/rd% 'x" \\`, command: "plan", fields: ["database", "changes", "operations", "statements"] },
      { secret: "pending", command: "status", fields: ["database", "applied", "pending", "unmanaged"] },
    ];
    for (const { secret, command, fields } of cases) {
      const db = await createScramDatabase(secret);
      try {
        await assertPasswordsChecked(db);
        const url = db.url(secret);
        const dir = await tempProject({
          "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ database: { dialect: "postgres", connectionString: ${JSON.stringify(url)} },
  tables: [defineTable("items", { id: column("int", { comment: ${JSON.stringify(`dblink: ${secret}`)} }) })] });
`,
        });
        const run = await runCli([command, "--json"], { cwd: dir });
        assert.equal(run.code, 0, run.stderr);
        const printed = parse(run.stdout, `${command} --json`);
        for (const field of fields) assert.ok(field in printed, `${command} --json lost ${field}:\n${run.stdout}`);
        const values = strings(printed).join("\n");
        const spellings = [...spellingsOf(secret), secret.replaceAll("'", "''")];
        for (const spelling of spellings) {
          assert.ok(!values.includes(spelling), `${command} --json printed the password (${spelling}):\n${run.stdout}`);
        }
        if (command === "plan") assert.ok(values.includes("dblink: ***"), run.stdout);
      } finally {
        await db.dispose();
      }
    }
  },
});

backendTest(
  "status --exit-code: 2 with pending AND drift; a tampered history exits 1 after its JSON",
  async (target) => {
    const dir = await tempProject({
      "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ database: ${databaseBlock(target)},
  tables: [defineTable("items", { id: column("int", { primaryKey: true }) })] });
`,
    });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    for (const args of [["generate"], ["apply"]]) assert.equal((await cli(...args)).code, 0);
    const database = await target.open();
    try {
      await sql`alter table items add column by_hand text`.execute(database.db);
    } finally {
      await database.close();
    }
    const configPath = `${dir}/kyrage.config.ts`;
    await Deno.writeTextFile(
      configPath,
      (await Deno.readTextFile(configPath)).replace(
        `primaryKey: true }) }`,
        `primaryKey: true }), note: column("text") }`,
      ),
    );
    assert.equal((await cli("generate", "--dev")).code, 0, "a pending migration, planned against the history");
    const both = await cli("status", "--json", "--exit-code");
    assert.equal(both.code, 2, both.stderr);
    const status = parse(both.stdout, "status --json");
    assert.equal(status.pending.length, 1);
    assert.equal(status.migrationsDir, `${dir}/migrations`);
    assert.equal(status.drift.drifted, true);
    assert.deepEqual(status.drift.changes, ["- column public.items.by_hand"]);

    // An applied file edited: the JSON still prints (tampered listed, drift not checked), then the error, exit 1.
    const [first] = [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name).sort();
    await Deno.writeTextFile(`${dir}/migrations/${first}`, " ", { append: true });
    const tampered = await cli("status", "--json", "--exit-code");
    assert.equal(tampered.code, 1);
    const report = parse(tampered.stdout, "status --json with a tampered file");
    assert.deepEqual(report.tampered.map((t: { id: string }) => t.id), [first.replace(/\.json$/, "")]);
    assert.equal(report.drift, null);
    assert.match(tampered.stderr, new RegExp(`^error: .*${first}`));
  },
  ["postgres"],
);

serverTest("a lock timeout with --json --exit-code: exit 1 (not 0 or 2), nothing on stdout, one paragraph", async (
  _database,
  _dir,
  target,
) => {
  const dir = await tempProject({
    "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ database: ${databaseBlock(target)},
  tables: [defineTable("items", { id: column("int", { primaryKey: true }), note: column("text", { defaultSql: "'x'" }) })] });
`,
  });
  for (const args of [["generate"], ["apply"]]) assert.equal((await runCli(args, { cwd: dir })).code, 0);
  const release = await holdLock(target.databaseUrl!, "items");
  try {
    const run = await runCli(["plan", "--json", "--exit-code"], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^error: Planning waited 5s for a table lock .*public\.items is locked by session \d+/);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  } finally {
    await release();
  }
});

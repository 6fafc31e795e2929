/**
 * More hostile cases for taking over a project of @izumisy/kyrage (see
 * hostile_upstream_test.ts): what upstream found on the database and never
 * described, and upstream's own history quirks.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { query, runStatements } from "../support/claims.ts";
import { databaseBlock, DENO_CONFIG, MAIN, runCli, tempProject } from "../support/cli.ts";
import { RUNTIME_PERMISSIONS } from "../../scripts/permissions.ts";
import { col, output, upstreamFile, upstreamProject } from "../support/upstream_hostile.ts";

// ---------------------------------------------------------------------------------------------------------------
// A table made by hand before upstream (serial key, an enum column, a CHECK, a comment), which upstream's first
// file changes. Should: the baseline records it whole, so the history replays to the database (status, check)
// and the config that declares it plans empty.
const ADOPTED = upstreamFile("1766000000000", [
  { type: "add_column", table: "tickets", column: "title", attributes: col("text") },
  { type: "create_index", table: "tickets", name: "idx_tickets_state", columns: ["state"], unique: false },
]);
const TICKETS = `import { column as c, defineEnum, defineTable as t } from "kyrage";
const ticketState = defineEnum("ticket_state", ["open", "closed"]);
export const tickets = t("tickets", {
  id: c("serial", { primaryKey: true }),
  state: c(ticketState, { notNull: true, defaultSql: "'open'" }),
  priority: c("integer", { notNull: true, defaultSql: "1" }),
  title: c("text"),
}, (t) => [t.index(["state"]), t.check("priority between 1 and 5", { name: "tickets_priority_check" })], {
  comment: "made by hand",
});
`;
backendTest(
  "a hand-made table upstream adopted (serial, enum, check, comment): import, replay and plan empty",
  async (target) => {
    const { dir, cli } = await upstreamProject(
      target,
      [{
        file: ADOPTED,
        sql: [
          `alter table "tickets" add column "title" text`,
          `create index "idx_tickets_state" on "tickets" ("state")`,
        ],
      }],
      [],
      TICKETS,
      [
        `create type ticket_state as enum ('open', 'closed')`,
        `create table tickets (id serial constraint tickets_id_primary_key primary key, state ticket_state not null default 'open', priority integer not null default 1 check (priority between 1 and 5))`,
        `comment on table tickets is 'made by hand'`,
        `insert into tickets (state) values ('closed')`,
      ],
    );
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 0, output(imported));
    const plan = await cli("plan", "--exit-code");
    assert.equal(plan.code, 0, output(plan));
    const status = await cli("status");
    assert.match(status.stdout, /Schema: matches what the applied migrations produce/, output(status));
    const replayed = await cli("check");
    assert.equal(replayed.code, 0, output(replayed));
    assert.ok(dir);
    assert.deepEqual(await query(target, "select id, state::text, priority from tickets"), [
      { id: 1, state: "closed", priority: 1 },
    ]);
  },
  ["postgres"],
);

// ---------------------------------------------------------------------------------------------------------------
// A teammate's file generated before the last applied one (its id is older): Kysely's Migrator refuses to run it
// ("corrupted migrations"), so upstream leaves it pending forever. Should: kyrage applies it, or refuses naming it;
// never records it as applied nor skips it silently.
const LATE_APPLIED = upstreamFile("1767100000000", [
  { type: "create_table", table: "a", columns: { id: col("integer", { notNull: true }) } },
]);
const EARLY_PENDING = upstreamFile("1767000000000", [
  { type: "create_table", table: "b", columns: { id: col("integer", { notNull: true }) } },
]);
backendTest("a pending upstream file older than the last applied one is applied or refused by name", async (target) => {
  const { cli } = await upstreamProject(
    target,
    [{ file: LATE_APPLIED, sql: [`create table "a" ("id" integer not null)`] }],
    [EARLY_PENDING],
    `import { column, defineTable } from "kyrage";
export const a = defineTable("a", { id: column("integer", { notNull: true }) });
export const b = defineTable("b", { id: column("integer", { notNull: true }) });
`,
  );
  const imported = await cli("import-upstream");
  assert.equal(imported.code, 0, output(imported));
  const status = await cli("status");
  assert.match(status.stdout, /pending +20251229092000000 +\(out of order/, output(status));
  const applied = await cli("apply");
  assert.equal(applied.code, 0, output(applied));
  const plan = await cli("plan", "--exit-code");
  assert.equal(plan.code, 0, output(plan));
}, ["postgres"]);

// ---------------------------------------------------------------------------------------------------------------
// Upstream's configs are Node modules: `connectionString: process.env.DB_URL!` is how its users keep the password
// out of the file. kyrage runs with a fixed list of variables it may read. Should: the refusal says which variables
// kyrage reads and to use DATABASE_URL; never the value. Did: Deno's "run again with the --allow-env flag", which a
// user of the kyrage task or binary cannot do.
Deno.test("a config reading an env var kyrage may not read says what to use instead", async () => {
  const dir = await tempProject({
    "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({
  database: { dialect: "postgres", connectionString: process.env.HOSTILE_DB_URL! },
  tables: [defineTable("a", { id: column("integer") })],
});
`,
  });
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...RUNTIME_PERMISSIONS, "--config", DENO_CONFIG, MAIN, "plan"],
    cwd: dir,
    env: { HOSTILE_DB_URL: "postgres://app:s3cret-pw@127.0.0.1:1/app", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(result.stderr);
  assert.equal(result.code, 1, stderr);
  assert.match(stderr, /kyrage\.config\.ts: .*"HOSTILE_DB_URL".*DATABASE_URL/s);
  assert.doesNotMatch(stderr, /--allow-env/);
  assert.doesNotMatch(stderr, /s3cret-pw/);
});

// ---------------------------------------------------------------------------------------------------------------
// Upstream options kyrage has no form of: a column's `checkSql` (upstream 0.4–0.6) and `dev.file` (upstream 1.6's
// SQLite dev database). Should: each refused with what to write instead, not a bare "unknown key".
Deno.test("upstream's column checkSql and dev.file are refused with what to write instead", async () => {
  const run = async (config: string) => {
    const dir = await tempProject({ "kyrage.config.ts": config });
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...RUNTIME_PERMISSIONS, "--config", DENO_CONFIG, MAIN, "plan"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    await Deno.remove(dir, { recursive: true });
    assert.equal(result.code, 1);
    return new TextDecoder().decode(result.stderr);
  };
  const check = await run(`import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ tables: [
  defineTable("items", { price: column("integer", { checkSql: "price > 0" } as never) }),
] });`);
  assert.match(check, /checkSql/);
  assert.match(check, /t\.check\("price > 0"\)/, check);
  const file = await run(`import { defineConfig } from "kyrage";
export default defineConfig({ tables: [], dev: { file: "dev.sqlite" } } as never);`);
  assert.match(file, /dev\.file/);
  assert.match(file, /SQLite/, file);
  assert.match(file, /in-memory/, file);
});

// Another application's Kysely migrator keeps its own `kysely_migration` in its schema (`app`), with no upstream
// project anywhere. Should: kyrage's `generate`, `apply` and `status` go on as ever (only `import-upstream` refuses
// a history outside public). Did: every `apply` refused, taking it for upstream's history.
backendTest("another application's kysely_migration in its own schema does not stop apply", async (target) => {
  await runStatements(target, [
    `create schema app`,
    `create table app.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`,
  ]);
  const dir = await tempProject({
    "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ database: ${databaseBlock(target)}, tables: [defineTable("t", { id: column("int") })] });
`,
  });
  try {
    for (const command of ["generate", "apply", "status"]) {
      const result = await runCli([command], { cwd: dir });
      assert.equal(result.code, 0, `${command}: ${result.stdout}${result.stderr}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}, ["postgres"]);

/**
 * Hostile checks of README claims about `pull`, `--baseline`, coming from
 * @izumisy/kyrage and online DDL, each run as a user would (the CLI against
 * a real database). Each test quotes the claim it holds kyrage to.
 */
import assert from "node:assert/strict";
import { backendTest, createTestDatabase } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";
import { pullProject as adoptionProject, runStatements as run } from "../support/claims.ts";

// README, "Adopting an existing database: `pull`": "The round trip is exact: for a database D within kyrage's
// coverage, applying the pulled schema to an empty database E gives the same catalog as D [...] and `plan` of the
// pulled schema against D is empty. Tested on [...] a hostile-identifiers schema", and "`--baseline` also writes an
// initial migration [...] From then on D has a kyrage history: `plan` is empty, `check` replays the baseline on the
// dev database". A schema named by a reserved word (`order`) is valid SQL when quoted, yet a user type in it (enum,
// domain, composite) is spelled unquoted (`order.status`) wherever a column uses it.
backendTest(
  "pull --baseline: user types in a schema named by a reserved word plan empty and replay",
  async (target) => {
    await run(target, [
      `create schema "order"`,
      `create type "order".status as enum ('new', 'paid')`,
      `create domain "order".posint as int check (value > 0)`,
      `create table "order".items (id int primary key, s "order".status not null default 'new', qty "order".posint)`,
      `insert into "order".items values (1, 'paid', 2)`,
    ]);
    const dir = await adoptionProject(target, ["domains", "enums", "schemas", "tables"]);
    try {
      const pulled = await runCli(["pull", "--schema", "order", "--baseline"], { cwd: dir });
      assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
      const planned = await runCli(["plan", "--exit-code"], { cwd: dir });
      // Seen: exit 1, `PostgreSQL rejects an expression of table order.items in the config: syntax error at or near
      // "order"` (statement: `"s" order.status DEFAULT 'new'::"order".status`).
      assert.equal(planned.code, 0, planned.stdout + planned.stderr);
      assert.match(planned.stdout, /No changes/);
      // Seen: exit 1, "Replaying the migration history on a fresh dev database failed [...] syntax error at or near
      // "order"" (statement: `"qty" order.posint`).
      const checked = await runCli(["check"], { cwd: dir });
      assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

// README, "Adopting an existing database: `pull`": "`--baseline` [...] records it in D's history as applied [...]
// From then on D has a kyrage history" and "Safety": "**Drift**: `status` replays the applied history on the dev
// database and compares it with the live schema". Right after the baseline nothing has changed, so there is no
// drift; on a PostgreSQL server (15 here) any view is reported as drifted, because the view text printed by the
// server and by the embedded PostgreSQL 18 dev database differ (`SELECT users.id` vs `SELECT id`).
Deno.test({
  name: "pull --baseline: status finds no drift right after adopting a PostgreSQL database with a view [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    const dir = await adoptionProject(target, ["enums", "schemas", "tables", "views"]);
    try {
      await run(target, [
        "create table users (id int primary key, email text not null)",
        "insert into users values (1, 'a@example.com')",
        "create view user_emails as select id, email from users",
      ]);
      const pulled = await runCli(["pull", "--baseline"], { cwd: dir });
      assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
      assert.equal((await runCli(["plan", "--exit-code"], { cwd: dir })).code, 0, "plan is empty");
      const status = await runCli(["status", "--exit-code"], { cwd: dir });
      // Seen: exit 2, "Schema drift: the database differs from its applied migrations; 1 operation would restore
      // it:\n  ~ view public.user_emails: changed in place".
      assert.doesNotMatch(status.stdout, /Schema drift/, status.stdout);
      assert.equal(status.code, 0, status.stdout + status.stderr);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await target.dispose();
    }
  },
});

// README, "Online DDL": "Changes to tables that exist already are planned so that a populated table in use stays
// readable and writable [...] `SET NOT NULL` goes through a validated `CHECK (col IS NOT NULL)`, so it does not scan
// the table under an exclusive lock", and "`generate --max-lock share` [...] refuses a plan in which a statement holds
// a stronger lock than that while it scans, rewrites or builds". Making an existing nullable column the primary key
// attaches the key (`ADD CONSTRAINT ... PRIMARY KEY USING INDEX`, ACCESS EXCLUSIVE) before the column's validated
// check and SET NOT NULL, so PostgreSQL sets NOT NULL itself there, with a full scan under ACCESS EXCLUSIVE; the plan
// labels that statement with no hazard, and `--max-lock share` lets it through.
backendTest(
  "online: a primary key on an existing nullable column never scans under ACCESS EXCLUSIVE",
  async (target) => {
    await run(target, [
      "create table accounts (id int, name text)",
      "insert into accounts select g, 'n' || g from generate_series(1, 2000) g",
      "analyze accounts",
    ]);
    const dir = await tempProject({
      "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
const accounts = defineTable("accounts", { id: column("integer", { primaryKey: true }), name: column("text") });
export default defineConfig({ database: ${databaseBlock(target)}, tables: [accounts] });
`,
    });
    try {
      const generated = await runCli(["generate", "--max-lock", "share"], { cwd: dir });
      if (generated.code !== 0) {
        // Refusing is what the README promises for a statement scanning under a lock stronger than SHARE.
        assert.match(generated.stderr + generated.stdout, /accounts_pkey|primary key/i);
        return;
      }
      const files = (await Array.fromAsync(Deno.readDir(`${dir}/migrations`))).map((e) => e.name).sort();
      const operations = await Promise.all(files.map(async (name) => {
        const file = JSON.parse(await Deno.readTextFile(`${dir}/migrations/${name}`));
        return (file.operations as { kind: string; column?: string }[]);
      }));
      const attach = operations.findIndex((ops) => ops.some((op) => op.kind === "add_primary_key"));
      const setNotNull = operations.findIndex((ops) =>
        ops.some((op) => op.kind === "set_not_null" && op.column === "id")
      );
      assert.ok(attach >= 0, `a migration attaches the primary key: ${files.join(", ")}`);
      // Seen: the key is attached in the 3rd of 5 files, SET NOT NULL "id" (proved by the check) comes in the 5th.
      assert.ok(
        setNotNull >= 0 && setNotNull < attach,
        `"id" must be NOT NULL (through its validated check) before the key is attached USING INDEX, else PostgreSQL ` +
          `scans the table under ACCESS EXCLUSIVE: set_not_null in file ${setNotNull}, add_primary_key in file ${attach}`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

// README, "Online DDL": "unique constraints and primary keys are attached to a unique index built concurrently
// (`ADD CONSTRAINT ... USING INDEX`)", and the command table: "`plan` [...] print the SQL that would bring the
// database to the config". The printed SQL attaches the constraint before the index it uses is built, so it cannot
// run in the order shown (`generate` orders its files right).
backendTest("online: plan prints the concurrent unique index before the constraint that uses it", async (target) => {
  await run(target, [
    "create table members (id int not null, email text)",
    "insert into members select g, 'm' || g || '@example.com' from generate_series(1, 500) g",
  ]);
  const dir = await tempProject({
    "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
const members = defineTable("members", {
  id: column("integer", { notNull: true }),
  email: column("text", { unique: true }),
}, (t) => [t.primaryKey(["id"])]);
export default defineConfig({ database: ${databaseBlock(target)}, tables: [members] });
`,
  });
  try {
    const planned = await runCli(["plan", "--json"], { cwd: dir });
    assert.equal(planned.code, 0, planned.stderr);
    const statements: string[] = JSON.parse(planned.stdout).statements;
    for (const name of ["members_email_key", "members_pkey"]) {
      const build = statements.findIndex((s) => s.includes(`INDEX CONCURRENTLY "${name}"`));
      const attach = statements.findIndex((s) => s.includes(`USING INDEX "${name}"`));
      assert.ok(build >= 0 && attach >= 0, statements.join("\n"));
      // Seen: members_email_key built at statement 2, attached (`UNIQUE USING INDEX`) at statement 1.
      assert.ok(
        build < attach,
        `${name}: built at statement ${build}, attached at ${attach}:\n${statements.join("\n")}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * `apply --plan --pretty` only changes the layout: its output, run through
 * psql on a fresh database, builds the same schema and data as the plain
 * `--plan` output and as `apply` itself, for table, constraint, index, enum,
 * view, function and hand-written steps (escape strings, line comments).
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestDatabase } from "../support/backends.ts";
import { projectFor, runCli } from "../support/cli.ts";
import { dumpDiff, pgDump } from "../support/pg_dump.ts";

const TABLES = `defineTable("members", {
    id: column("serial", { primaryKey: true }),
    email: column("text", { notNull: true, unique: true, defaultSql: "'a, b'" }),
    role: column("member_role", { defaultSql: "'admin'" }),
  }, (t) => [t.index(["email", "role"], { name: "members_email_role" }), t.check("length(email) > 1")]),
  defineTable("notes", {
    id: column("serial", { primaryKey: true }),
    member_id: column("integer"),
    body: column("text", { defaultSql: "'x, y'" }),
  }, (t) => [t.reference("member_id", "members", "id", { onDelete: "cascade", onUpdate: "restrict" }),
    t.unique(["member_id", "body"])])`;

const ENUMS = `enums: [defineEnum("member_role", ["admin", "user"])]`;

/** Hand-written steps a user may write on one line. */
const SQL_STEPS = [
  String.raw`insert into notes (body) select E'it\'s, fine' union all select 'plain, text'`,
  `update notes set body = body || '!' -- mark them, then done`,
  String.raw`DO $step1$ BEGIN NULL; /* don't */ INSERT INTO notes (body) SELECT 'x, y'; END $step1$`,
  `insert into notes (body) select 'a' /* it's, */ || 'b, c'`,
];

async function psql(url: string, script: string): Promise<void> {
  const out = await new Deno.Command("psql", {
    args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = out.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const result = await out.output();
  assert.ok(result.success, `psql runs the script:\n${new TextDecoder().decode(result.stderr)}\n${script}`);
}

async function notes(db: Awaited<ReturnType<typeof createTestDatabase>>): Promise<unknown[]> {
  const database = await db.open();
  try {
    return (await sql`select body from public.notes order by id`.execute(database.db)).rows;
  } finally {
    await database.close();
  }
}

Deno.test({
  name: "apply --plan --pretty runs through psql to the same schema and data as --plan and apply [postgres]",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const [target, plain, pretty] = await Promise.all([1, 2, 3].map(() => createTestDatabase("postgres")));
    try {
      const dir = await projectFor(target, TABLES);
      await Deno.writeTextFile(
        `${dir}/kyrage.config.ts`,
        (await Deno.readTextFile(`${dir}/kyrage.config.ts`)).replace("tables: [", `${ENUMS}, tables: [`),
      );
      const cli = (...args: string[]) => runCli(args, { cwd: dir });
      const generated = await cli("generate");
      assert.equal(generated.code, 0, generated.stderr);
      for (const step of SQL_STEPS) {
        const made = await cli("generate", "--sql-step");
        assert.equal(made.code, 0, made.stderr);
        const newest = (await Array.fromAsync(Deno.readDir(`${dir}/migrations`))).map((e) => e.name).sort().at(-1)!;
        const path = `${dir}/migrations/${newest}`;
        const file = JSON.parse(await Deno.readTextFile(path));
        file.operations[0].sql = step;
        await Deno.writeTextFile(path, JSON.stringify(file, null, 2) + "\n");
      }

      const plainPlan = await cli("apply", "--plan");
      assert.equal(plainPlan.code, 0, plainPlan.stderr);
      const prettyPlan = await cli("apply", "--plan", "--pretty");
      assert.equal(prettyPlan.code, 0, prettyPlan.stderr);
      assert.notEqual(prettyPlan.stdout, plainPlan.stdout, "--pretty changes the layout");

      const applied = await cli("apply");
      assert.equal(applied.code, 0, applied.stderr);
      await psql(plain.databaseUrl!, plainPlan.stdout);
      await psql(pretty.databaseUrl!, prettyPlan.stdout);

      const ignoreHistory = (s: string[]) => s.filter((x) => !x.includes("kyrage_migrations"));
      const applyDump = ignoreHistory(await pgDump(target.databaseUrl!));
      assert.deepEqual(dumpDiff(applyDump, await pgDump(plain.databaseUrl!), ["apply", "--plan"]), []);
      assert.deepEqual(dumpDiff(applyDump, await pgDump(pretty.databaseUrl!), ["apply", "--pretty"]), []);
      const rows = await notes(target);
      assert.equal(rows.length, 4);
      assert.deepEqual(await notes(plain), rows, "--plan's SQL writes the rows apply writes");
      assert.deepEqual(await notes(pretty), rows, "--pretty's SQL writes the rows apply writes");
    } finally {
      await Promise.all([target, plain, pretty].map((d) => d.dispose()));
    }
  },
});

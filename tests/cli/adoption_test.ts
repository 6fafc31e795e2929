/**
 * Adopting an existing database as a newcomer does it (issue 15): the
 * config may import the file pull is about to write; status says how to
 * adopt a database with no history and `--exit-code` makes it a CI gate;
 * a baseline is refused before anything is written when a history exists;
 * `--ignore-pending` warns when the new file repeats a pending one.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { backendTest } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";

const config = (target: { databaseUrl?: string; dataDir?: string }) =>
  `import { defineConfig } from "kyrage";
import { enums, schemas, tables } from "./schema.ts";
export default defineConfig({ database: ${databaseBlock(target)}, tables, enums, schemas });`;

backendTest("pull into the config's own layout, status hints and --exit-code, a refused baseline", async (target) => {
  const database = await target.open();
  try {
    await sql`create table accounts (id int primary key, name text not null)`.execute(database.db);
  } finally {
    await database.close();
  }
  const dir = await tempProject({ "kyrage.config.ts": config(target), "migrations/.keep": "" });
  await Deno.remove(`${dir}/migrations/.keep`);
  try {
    const status = await runCli(["status", "--exit-code"], { cwd: dir });
    // The config imports schema.ts, which does not exist yet: status cannot load it.
    assert.equal(status.code, 1, status.stdout + status.stderr);

    await Deno.writeTextFile(`${dir}/migrations/20250101000000000.json`, "{}\n");
    const refused = await runCli(["pull", "--baseline"], { cwd: dir });
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /20250101000000000\.json/);
    assert.equal(await Deno.stat(`${dir}/schema.ts`).then(() => true, () => false), false, "nothing written");
    await Deno.remove(`${dir}/migrations/20250101000000000.json`);

    const pulled = await runCli(["pull", "--out", `${dir}/schema.ts`], { cwd: dir });
    assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
    assert.match(pulled.stdout, /from "\.\/schema\.ts"/, "the import hint is relative to the config");
    assert.doesNotMatch(pulled.stdout, /\.\/\//);

    const drift = await runCli(["status"], { cwd: dir });
    assert.equal(drift.code, 0, drift.stderr);
    assert.match(drift.stdout, /no kyrage history yet.*kyrage pull --baseline/s);
    assert.equal((await runCli(["status", "--exit-code"], { cwd: dir })).code, 2, "drift fails the gate");

    await Deno.remove(`${dir}/schema.ts`);
    const baseline = await runCli(["pull", "--baseline"], { cwd: dir });
    assert.equal(baseline.code, 0, baseline.stdout + baseline.stderr);
    assert.equal((await runCli(["plan", "--exit-code"], { cwd: dir })).code, 0);
    const clean = await runCli(["status", "--exit-code"], { cwd: dir });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);

    // A pending migration fails the gate; a second one repeating it is warned about.
    const schema = await Deno.readTextFile(`${dir}/schema.ts`);
    await Deno.writeTextFile(
      `${dir}/schema.ts`,
      schema.replace(
        'name: column("text", { notNull: true }),',
        'name: column("text", { notNull: true }),\n    note: column("text"),',
      ),
    );
    const generated = await runCli(["generate"], { cwd: dir });
    assert.equal(generated.code, 0, generated.stderr);
    assert.match(generated.stdout, /column public\.accounts\.note.*\(LOCK ACCESS EXCLUSIVE on public\.accounts \(/);
    assert.equal((await runCli(["status", "--exit-code"], { cwd: dir })).code, 2, "pending fails the gate");
    const again = await runCli(["generate", "--ignore-pending"], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Warning: this migration repeats operations of pending \d{17}/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

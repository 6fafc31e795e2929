/** examples/basic through the real CLI: generate, apply, re-plan empty, evolve. */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { copyExample, runCli } from "../support/cli.ts";

backendTest("examples/basic: generate, apply, re-plan empty; pending and destructive gates", async (db) => {
  const dir = await copyExample("basic");
  // The example has no database block: the postgres run points it at the
  // server with DATABASE_URL, the pglite run uses the embedded default.
  const env: Record<string, string> = db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {};
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env });

  const generated = await cli("generate");
  assert.equal(generated.code, 0, generated.stderr);
  assert.match(generated.stdout, /\+ table public\.users/);
  assert.match(generated.stdout, /Wrote .*migrations\/\d{17}\.json \(6 operations\)/);

  const blocked = await cli("generate");
  assert.equal(blocked.code, 1, "pending migrations block generate");
  assert.match(blocked.stderr, /not applied .* yet/);

  const dryRun = await cli("apply", "--dry-run");
  assert.equal(dryRun.code, 0);
  assert.match(dryRun.stdout, /CREATE TABLE "public"\."users"/);
  assert.equal((await cli("plan", "--exit-code")).code, 2, "dry run changed nothing");

  const applied = await cli("apply");
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /Applied 1 migration/);
  const replan = await cli("plan", "--exit-code");
  assert.equal(replan.code, 0, replan.stdout);
  assert.match(replan.stdout, /No changes/);
  assert.match((await cli("apply")).stdout, /Nothing to apply/);

  // Dropping a column is destructive: refused without the flag, written with it.
  const schema = `${dir}/schema.ts`;
  await Deno.writeTextFile(schema, (await Deno.readTextFile(schema)).replace(/\n\s*body: column\("text"\),/, ""));
  const refused = await cli("generate");
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /column public\.posts\.body \(text\) and its values/);
  assert.equal([...Deno.readDirSync(`${dir}/migrations`)].length, 1, "no file written when refused");
  const allowed = await cli("generate", "--allow-destructive");
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.equal((await cli("apply")).code, 0);
  assert.equal((await cli("plan", "--exit-code")).code, 0);

  const status = await cli("status");
  assert.equal(status.code, 0);
  assert.equal(status.stdout.match(/applied +\d{17}/g)?.length, 2);
});

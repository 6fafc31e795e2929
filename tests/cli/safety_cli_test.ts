/** Tampering, drift and machine output, through the real CLI (secrets: secrets_test.ts). */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { backendTest } from "../support/backends.ts";
import { projectFor, runCli } from "../support/cli.ts";

const TABLES = `defineTable("items", { id: column("int", { primaryKey: true }), name: column("text") })`;

backendTest("an edited or deleted applied migration is refused until rebaselined", async (target) => {
  const dir = await projectFor(target, TABLES);
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  assert.equal((await cli("generate")).code, 0);
  assert.equal((await cli("apply")).code, 0);
  const [name] = [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name);
  const path = `${dir}/migrations/${name}`;
  const original = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, original.replace('"name": "name"', '"name": "title"'));

  for (const args of [["apply"], ["status"], ["generate"]]) {
    const result = await cli(...args);
    assert.equal(result.code, 1, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
    assert.match(
      result.stderr,
      new RegExp(`${name} was changed after it was applied \\(checksum expected [0-9a-f]{64}, found [0-9a-f]{64}\\)`),
    );
  }
  const status = await cli("status");
  assert.match(status.stdout, /TAMPERED {2}\d{17}/, "status still lists everything");

  const rebaselined = await cli("rebaseline");
  assert.equal(rebaselined.code, 0, rebaselined.stderr);
  assert.match(rebaselined.stdout, /Rebaselined \d{17}: checksum now [0-9a-f]{64}/);
  assert.equal((await cli("status")).code, 0);

  await Deno.remove(path);
  const missing = await cli("apply");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /recorded as applied \(checksum [0-9a-f]{64}\), but its file \d{17}\.json is missing/);
});

backendTest("status reports drift from the applied history; --json for machines", async (target) => {
  const dir = await projectFor(target, TABLES);
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  await cli("generate");
  assert.equal((await cli("apply")).code, 0);
  const clean = JSON.parse((await cli("status", "--json")).stdout);
  assert.equal(clean.drift.drifted, false);
  assert.equal(clean.applied.length, 1);
  assert.deepEqual(clean.pending, []);

  // Someone changes the schema by hand.
  const database = await target.open();
  try {
    await sql`alter table items add column sneaky int`.execute(database.db);
  } finally {
    await database.close();
  }
  const drifted = await cli("status");
  assert.equal(drifted.code, 0);
  assert.match(drifted.stdout, /Schema drift: .* 1 operation would restore it:\n {2}- column public\.items\.sneaky/);
  const json = JSON.parse((await cli("status", "--json")).stdout);
  assert.equal(json.drift.drifted, true);
  assert.equal(json.drift.operations[0].kind, "drop_column");

  const plan = await cli("plan", "--json", "--exit-code");
  assert.equal(plan.code, 2);
  const parsed = JSON.parse(plan.stdout);
  assert.equal(parsed.changes, true);
  assert.deepEqual(parsed.statements, ['ALTER TABLE "public"."items" DROP COLUMN "sneaky"']);
  assert.match(parsed.destructive[0].loses, /public\.items\.sneaky/);
});

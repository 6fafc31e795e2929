/** `apply --plan` (upstream's spelling of --dry-run) and `--pretty`. */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { projectFor, runCli } from "../support/cli.ts";

const TABLES = `defineTable("members", { id: column("uuid", { primaryKey: true }) }),
  defineTable("posts", { id: column("uuid", { primaryKey: true }), author_id: column("uuid") },
    (t) => [t.reference("author_id", "members", "id", { onDelete: "cascade" })])`;

backendTest("apply --plan prints the pending SQL and changes nothing; --pretty lays it out", async (target) => {
  const dir = await projectFor(target, TABLES);
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  assert.equal((await cli("generate")).code, 0);

  const plan = await cli("apply", "--plan");
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /ALTER TABLE "public"\."posts" ADD CONSTRAINT "posts_author_id_fkey" FOREIGN KEY/);
  assert.equal((await cli("plan", "--exit-code")).code, 2, "--plan applied nothing");

  const pretty = await cli("apply", "--plan", "--pretty");
  assert.equal(pretty.code, 0, pretty.stderr);
  assert.match(
    pretty.stdout,
    /ALTER TABLE "public"\."posts"\n {2}ADD CONSTRAINT "posts_author_id_fkey" FOREIGN KEY \("author_id"\)\n {2}REFERENCES "public"\."members" \("id"\)\n {2}ON DELETE CASCADE;/,
  );

  const alone = await cli("apply", "--pretty");
  assert.equal(alone.code, 1);
  assert.match(alone.stderr, /--pretty formats the SQL that --dry-run \(or --plan\) prints/);
  assert.equal((await cli("plan", "--exit-code")).code, 2, "refused before applying");
});

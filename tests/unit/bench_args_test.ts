/** `deno task bench`'s flags: what the README's "Reproduce" line says, and nothing silently ignored. */
import assert from "node:assert/strict";
import { parseBenchArgs } from "../../bench/args.ts";

Deno.test("bench flags: the defaults, --sizes 10 (quick), --runs 7 and --only apply,plan", () => {
  const full = parseBenchArgs([]);
  assert.deepEqual([full.size, full.quick, full.runs, full.wants("demo")], [1000, false, 5, true]);
  const quick = parseBenchArgs(["--sizes", "10"]);
  assert.deepEqual([quick.size, quick.quick, quick.runs], [10, true, 3]);
  assert.equal(parseBenchArgs(["--runs", "7"]).runs, 7);
  const some = parseBenchArgs(["--only", "apply,plan"]);
  assert.deepEqual(["apply", "plan", "demo"].map(some.wants), [true, true, false]);
});

Deno.test("bench flags: a misspelt item, size or run count is refused, not a run that measures nothing", () => {
  // `--only aply` measured nothing and overwrote bench/results.json with an empty table.
  assert.throws(() => parseBenchArgs(["--only", "aply"]), /--only: unknown item "aply".*apply, plan/);
  assert.throws(() => parseBenchArgs(["--only"]), /--only needs a value/);
  assert.throws(() => parseBenchArgs(["--sizes", "ten"]), /--sizes/);
  // One size: a second one was silently dropped.
  assert.throws(() => parseBenchArgs(["--sizes", "10,100"]), /--sizes takes a whole number/);
  assert.throws(() => parseBenchArgs(["--runs", "0"]), /--runs/);
  assert.throws(() => parseBenchArgs(["--run", "7"]), /unknown flag "--run"/);
});

/**
 * The check of the README-claims table tests (`tests/integration/readme_claims_tables_*_test.ts`) for a change
 * kyrage may refuse or apply, but never write to fail.
 */
import assert from "node:assert/strict";
import { cli } from "./claims.ts";

/**
 * A change kyrage accepts must apply: `generate` either refuses it (naming
 * `refusal`), or writes a migration that `apply` runs and that leaves the
 * plan empty. A written migration that can only fail is the defect.
 */
export async function refusedOrApplied(
  dir: string,
  label: string,
  refusal: RegExp,
  ...flags: string[]
): Promise<boolean> {
  const generated = await cli(dir, "generate", ...flags);
  if (generated.code !== 0) {
    assert.match(generated.output, refusal, `${label}: generate refused without naming it:\n${generated.output}`);
    return false;
  }
  const applied = await cli(dir, "apply");
  assert.equal(
    applied.code,
    0,
    `${label}: generate wrote a migration (plan not marked WILL FAIL) that apply cannot run:\n` +
      `${generated.output}\n${applied.output}`,
  );
  const replanned = await cli(dir, "plan", "--exit-code");
  assert.equal(replanned.code, 0, `${label}: re-plan not empty:\n${replanned.output}`);
  return true;
}

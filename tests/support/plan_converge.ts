/**
 * The converge step of the hostile and derived-name tests, which assert on the plan a user reviews rather than on
 * the migration written: `plan`, `generate`, `apply`, then the re-plan is empty and lists nothing NOT MANAGED.
 */
import assert from "node:assert/strict";
import { cli } from "./claims.ts";

/** plan, generate, apply, then `plan --exit-code` is empty and names nothing NOT MANAGED; returns what plan printed first. */
export async function convergeFromPlan(dir: string, label: string): Promise<string> {
  const planned = await cli(dir, "plan");
  const generated = await cli(dir, "generate");
  assert.equal(generated.code, 0, `${label}: generate failed:\n${generated.output}`);
  const applied = await cli(dir, "apply");
  assert.equal(applied.code, 0, `${label}: apply failed:\n${planned.output}\n${applied.output}`);
  const replanned = await cli(dir, "plan", "--exit-code");
  assert.equal(replanned.code, 0, `${label}: re-plan not empty:\n${replanned.output}`);
  assert.doesNotMatch(replanned.output, /NOT MANAGED/, `${label}: ${replanned.output}`);
  return planned.stdout;
}

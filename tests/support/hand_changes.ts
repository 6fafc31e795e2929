/**
 * The hand-change check of the README-claims object tests (`tests/integration/readme_claims_objects_*_test.ts`):
 * a change made on the database by hand must be a difference, or listed NOT MANAGED.
 */
import assert from "node:assert/strict";
import type { TestDatabase } from "./backends.ts";
import { cli, query } from "./claims.ts";

/**
 * Each change made by hand on the database must make `plan --exit-code` exit 2, or be named in the NOT MANAGED
 * list of `plan` and `status`; the undos then bring the plan back to empty. Returns the changes kyrage said nothing
 * about.
 */
export async function unnoticed(
  target: TestDatabase,
  dir: string,
  changes: readonly { name: string; change: string; undo: string; listed?: RegExp }[],
): Promise<string[]> {
  const missed: string[] = [];
  for (const c of changes) {
    await query(target, c.change);
    const planned = await cli(dir, "plan", "--exit-code");
    let noticed = planned.code === 2;
    if (!noticed && c.listed !== undefined && c.listed.test(planned.output)) {
      noticed = c.listed.test((await cli(dir, "status")).output);
    }
    if (!noticed) missed.push(`${c.name} (plan exit ${planned.code}):\n${planned.output}`);
    await query(target, c.undo);
  }
  const back = await cli(dir, "plan", "--exit-code");
  assert.equal(back.code, 0, `the undos leave a plan:\n${back.output}`);
  return missed;
}

/**
 * The core property, on both backends: after generate + apply a fresh plan
 * is empty; after changing the config, generate + apply converges and the
 * plan is empty again.
 */
import assert from "node:assert/strict";
import type { Config } from "../../src/mod.ts";
import { backendTest } from "../support/backends.ts";
import { generateAndApply, loaded, plan } from "../support/pipeline.ts";
import { blog, commerce, cycle, saas } from "../support/schemas.ts";

const SCHEMAS: Record<string, (evolved?: boolean) => Config> = { blog, commerce, saas, cycle };

for (const [name, schema] of Object.entries(SCHEMAS)) {
  backendTest(`${name}: generate + apply converges, then an evolved config converges too`, async (target) => {
    const dir = await Deno.makeTempDir();
    const database = await target.open();
    try {
      const initial = loaded(schema(false), dir);
      const created = await generateAndApply(database, initial);
      assert.ok(created.length > 0, "the first migration creates the schema");
      assert.deepEqual(await plan(database, initial), [], "re-plan after the first apply is empty");

      const evolved = loaded(schema(true), dir);
      const changes = await generateAndApply(database, evolved);
      assert.ok(changes.length > 0, "the evolved config changes something");
      assert.deepEqual(await plan(database, evolved), [], "re-plan after the evolution is empty");

      const back = await generateAndApply(database, initial);
      assert.ok(back.length > 0, "going back changes something");
      assert.deepEqual(await plan(database, initial), [], "re-plan after going back is empty");
    } finally {
      await database.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

/**
 * planChanges runs its round trips at once; an unknown type is still the
 * error reported, though the scratch normalization fails on it too.
 */
import assert from "node:assert/strict";
import { column, defineTable } from "../../src/mod.ts";
import { databaseTest } from "../support/backends.ts";
import { loaded, plan } from "../support/pipeline.ts";

databaseTest("an unknown type is reported as such, not as the expression that uses it", async (database, dir) => {
  const config = {
    tables: [
      defineTable("t", { v: column("no_such_type", { defaultSql: "'x'" }), n: column("int") }, (t) => [
        t.check("n > 0 and v is not null"),
      ]),
    ],
  };
  await assert.rejects(
    plan(database, loaded(config, dir)),
    (e: Error) => /does not know the type "no_such_type" \(column public\.t\.v\)/.test(e.message),
  );
});

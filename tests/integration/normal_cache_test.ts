/**
 * watch --dev keeps the normal forms of the desired tables between saves:
 * only tables that changed go through scratch normalization again.
 */
import assert from "node:assert/strict";
import { column, defineTable } from "../../src/mod.ts";
import { type NormalCache, planChanges } from "../../src/plan.ts";
import { databaseTest } from "../support/backends.ts";
import { loaded } from "../support/pipeline.ts";

const checks = (ops: Awaited<ReturnType<typeof planChanges>>) =>
  ops.flatMap((op) => (op.kind === "add_check" ? [op.check.expression] : []));

databaseTest(
  "a cached normal form is used while its table is unchanged, and only the current tables are kept",
  async (database, dir) => {
    const config = (extra: boolean) =>
      loaded({
        tables: [
          defineTable("t", { a: column("int"), ...(extra ? { b: column("int") } : {}) }, (t) => [t.check("a>0")]),
        ],
      }, dir).desired;
    const cache: NormalCache = new Map();
    const first = await planChanges(database, config(false), { normalized: cache });
    assert.equal(cache.size, 1);
    const [normal] = checks(first);
    assert.notEqual(normal, "a>0", "normalized by the database");

    // Swap the cached form for a marker: a plan that uses it did not normalize again.
    const [key, table] = [...cache][0];
    cache.set(key, { ...table, checks: table.checks.map((c) => ({ ...c, expression: "marker" })) });
    assert.deepEqual(checks(await planChanges(database, config(false), { normalized: cache })), ["marker"]);

    // A changed table is normalized afresh; the old entry goes.
    assert.deepEqual(checks(await planChanges(database, config(true), { normalized: cache })), [normal]);
    assert.equal(cache.size, 1);
  },
);

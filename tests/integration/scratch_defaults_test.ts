/**
 * Scratch normalization checks plain defaults in wide temporary tables that
 * it drops at once (reading them back was quadratic in PostgreSQL): the
 * check itself still happens.
 */
import assert from "node:assert/strict";
import { column, type Config, defineTable } from "../../src/mod.ts";
import { databaseTest } from "../support/backends.ts";
import { loaded, plan } from "../support/pipeline.ts";

databaseTest("a plain default of the wrong type is named, among many good ones", async (database, dir) => {
  const good = Array.from({ length: 30 }, (_, i) =>
    defineTable(`t${i}`, {
      n: column("int", { defaultSql: "0" }),
      s: column("text", { defaultSql: "''" }),
    }));
  const config: Config = {
    tables: [...good, defineTable("bad", { n: column("int", { defaultSql: "'abc'" }) })],
  };
  await assert.rejects(
    plan(database, loaded(config, dir)),
    (e: Error) => /rejects the default of public\.bad\.n/.test(e.message) && /'abc'/.test(e.message),
  );
});

/**
 * A domain over an enum whose check compares with a label (`VALUE <> 'sad'`):
 * its check constraint depends on the enum too. Dropped with the enum, it
 * goes first; under an enum rebuild it is refused naming the domain once.
 */
import assert from "node:assert/strict";
import { type Config, defineDomain, defineEnum } from "../../src/config/dsl.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded } from "../support/pipeline.ts";

const withDomain = (labels: string[]): Config => ({
  tables: [],
  enums: [defineEnum("mood", labels)],
  domains: [defineDomain("good_mood", { type: "mood", checks: [{ expression: "VALUE <> 'sad'" }] })],
});

databaseTest("a domain whose check names an enum label is dropped with the enum", async (db, dir) => {
  await converge(db, dir, withDomain(["sad", "ok", "happy"]));
  await converge(db, dir, { tables: [] });
});

databaseTest(
  "an enum rebuilt under a domain whose check names a label: refused, naming the domain once",
  async (db, dir) => {
    await converge(db, dir, withDomain(["sad", "ok", "happy"]));
    await assert.rejects(
      () => generateMigration(db, loaded(withDomain(["ok", "sad", "happy"]), dir), { allowDestructive: true }),
      (e: Error) => {
        assert.ok(e instanceof KyrageError, e.message);
        assert.match(e.message, /domain public\.good_mood depends on enum type public\.mood/);
        assert.doesNotMatch(e.message, /constraint constraint|does not manage domains/);
        assert.equal(e.message.match(/good_mood/g)?.length, 1, e.message);
        return true;
      },
    );
  },
);

/**
 * The dev database (history replayed on in-memory PGlite): generate --dev,
 * check, and generate --squash against each backend as the target.
 */
import assert from "node:assert/strict";
import { openDevDatabase } from "../../src/migrations/dev.ts";
import { checkHistory, generateMigration, squashPending } from "../../src/migrations/generate.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readHistory } from "../../src/migrations/history.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { introspectFor } from "../../src/plan.ts";
import { backendTest, databaseTest } from "../support/backends.ts";
import { loaded, plan } from "../support/pipeline.ts";
import { blog, commerce } from "../support/schemas.ts";

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

backendTest("generate on the dev database never touches the target; check follows the history", async (target) => {
  const dir = await Deno.makeTempDir();
  const config = loaded(blog(), dir);
  assert.equal((await checkHistory(config)).length > 0, true, "empty history does not match the config");

  const dev = await openDevDatabase(await readMigrations(config.migrationsDir));
  const first = await generateMigration(dev, config).finally(() => dev.close());
  assert.ok(first.paths.length > 0, "a migration was written");
  assert.deepEqual(await checkHistory(config), [], "history now produces the config");

  const database = await target.open();
  try {
    const untouched = await introspectFor(database, config.desired);
    assert.deepEqual(untouched.tables, [], "the target has no tables");
    assert.deepEqual(await readHistory(database.db), []);
    await applyMigrations(database.db, await readMigrations(config.migrationsDir), APPLY);
    assert.deepEqual(await plan(database, config), [], "the dev-generated migration converges on the target");
  } finally {
    await database.close();
  }

  const evolved = loaded(blog(true), dir);
  const missing = await checkHistory(evolved);
  assert.ok(missing.some((op) => op.kind === "add_column" && op.column.name === "bio"), "check names what is missing");
});

databaseTest(
  "generate --squash replaces pending files with one, leaving applied files alone",
  async (database, dir) => {
    const initial = loaded(commerce(), dir);
    await generateMigration(database, initial);
    await applyMigrations(database.db, await readMigrations(initial.migrationsDir), APPLY);
    const [applied] = await readMigrations(initial.migrationsDir);

    // Two pending migrations authored on the dev database.
    const evolved = loaded(commerce(true), dir);
    for (const config of [evolved, initial]) {
      const dev = await openDevDatabase(await readMigrations(config.migrationsDir));
      await generateMigration(dev, config, { allowDestructive: true }).finally(() => dev.close());
    }
    const finalConfig = loaded(commerce(true), dir);
    const dev = await openDevDatabase(await readMigrations(initial.migrationsDir));
    await generateMigration(dev, finalConfig, { allowDestructive: true }).finally(() => dev.close());
    const pending = (await readMigrations(initial.migrationsDir)).slice(1);
    assert.ok(pending.length >= 3, "three generated changes, some split into several migrations");

    const result = await squashPending(database, finalConfig, { allowDestructive: true });
    assert.deepEqual(result.removed, pending.map((m) => m.path));
    const files = await readMigrations(initial.migrationsDir);
    assert.equal(files[0].checksum, applied.checksum, "the applied file is unchanged");
    assert.deepEqual(files.slice(1).map((f) => f.path), [...result.paths], "the squashed plan replaces all pending");
    assert.ok(result.paths.length < pending.length, "fewer migrations than before");

    await applyMigrations(database.db, files, APPLY);
    assert.deepEqual(await plan(database, finalConfig), [], "the squashed migration converges");
    assert.deepEqual(await checkHistory(finalConfig), []);
  },
);

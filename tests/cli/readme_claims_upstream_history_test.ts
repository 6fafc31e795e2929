/**
 * README "Coming from @izumisy/kyrage", claim by claim, as a user of @izumisy/kyrage 1.6.0 meets it: a project
 * whose database upstream migrated (`tests/support/upstream_project.ts`: Kysely's history tables and rows, data in
 * the tables), its config and DSL as upstream's README writes them, then `kyrage import-upstream`, `status`, `plan`,
 * `generate`, `apply`. Each test quotes the claim it holds the code to.
 *
 * This file: upstream's files or history rows missing, edited or written while importing, and a baseline.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { createTestDatabase, serverTest } from "../support/backends.ts";
import { runCli, spawnCli, tempProject } from "../support/cli.ts";
import { query } from "../support/claims.ts";
import {
  A1,
  A1_SQL,
  A1_TO_A3_IDS,
  A2,
  A2_SQL,
  A3,
  A3_SQL,
  appConfig,
  applyA1ToA3,
  appProject,
  appSchema,
  asFiles,
  assertNothingRecorded,
  history,
  KYSELY_TABLES,
  runSql,
  upstreamProject,
} from "../support/upstream_project.ts";

// README: "Run `kyrage import-upstream` once [...] and records those upstream applied (`public.kysely_migration`) as
// applied [...]. Afterwards you may delete upstream's files". A project has more than one database upstream migrated
// (production besides the developer's): once the files are deleted as the README allows, production can no longer
// be taken over: `import-upstream` finds nothing to import, `status` lists the three as pending and `apply` re-runs
// the first one ("relation already exists").
serverTest(
  "after deleting upstream's files as the README allows, a second upstream-built database can still be taken over",
  async (_db, _dir, target) => {
    const dir = await upstreamProject(target);
    assert.equal((await runCli(["import-upstream"], { cwd: dir })).code, 0);
    for (const file of [A1, A2, A3]) await Deno.remove(`${dir}/migrations/${file.id}.json`);
    const production = await createTestDatabase("postgres");
    try {
      await applyA1ToA3(production);
      const env = { DATABASE_URL: production.databaseUrl! };
      const imported = await runCli(["import-upstream"], { cwd: dir, env });
      assert.equal(imported.code, 0, imported.stdout + imported.stderr);
      assert.deepEqual(await history(production), A1_TO_A3_IDS);
      const applied = await runCli(["apply"], { cwd: dir, env });
      assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    } finally {
      await production.dispose();
    }
  },
);

// README: "records those upstream applied (`public.kysely_migration`) as applied, with checksums". kysely_migration
// lists 1760100000000, an upstream file (its id is upstream's epoch-ms) that is missing here; nothing after it
// depends on it. The import records the two others, warns that the row may be "a hand-written Kysely migration?",
// and exits 0: the history now lacks that file's changes, so `check` (and every `--dev`) fails for good.
serverTest(
  "an applied upstream file missing on disk: history is recorded whole or not at all",
  async (_db, _dir, target) => {
    await applyA1ToA3(target);
    const dir = await appProject(target, [A1, A3]);
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const imported = await cli("import-upstream");
    if (imported.code !== 0) {
      assert.match(imported.stderr, /1760100000000/);
      await assertNothingRecorded(target);
      return;
    }
    const check = await cli("check");
    assert.equal(
      check.code,
      0,
      `import-upstream exited 0 with a partial history:\n${imported.stderr}\n${check.stdout}${check.stderr}`,
    );
  },
);

// README: "Run `kyrage import-upstream` once [...] records those upstream applied (`public.kysely_migration`) as
// applied" and "Afterwards you may delete upstream's files". On a database upstream migrated (kysely_migration lists
// its files) that kyrage has no history for, `status` (exit 0) lists the imported files as pending and every table
// as drift to drop, and never mentions kysely_migration or import-upstream; `apply` then re-runs the first file
// ("relation already exists"). (With no kyrage files at all it suggests `pull --baseline`: see the baseline test.)
serverTest(
  "status on an upstream-migrated database without kyrage history points to import-upstream",
  async (_db, _dir, target) => {
    const dir = await upstreamProject(target);
    assert.equal((await runCli(["import-upstream"], { cwd: dir })).code, 0);
    for (const file of [A1, A2, A3]) await Deno.remove(`${dir}/migrations/${file.id}.json`);
    const production = await createTestDatabase("postgres");
    try {
      await applyA1ToA3(production);
      const status = await runCli(["status"], { cwd: dir, env: { DATABASE_URL: production.databaseUrl! } });
      assert.match(status.stdout + status.stderr, /import-upstream|kysely_migration/, status.stdout);
      assert.doesNotMatch(status.stdout, /pull --baseline/);
      const applied = await runCli(["apply"], { cwd: dir, env: { DATABASE_URL: production.databaseUrl! } });
      assert.equal(applied.code, 1, applied.stdout);
      assert.match(applied.stderr, /kysely_migration[\s\S]*import-upstream/);
      const tables = await query<{ found: boolean }>(
        production,
        `select to_regclass('public.kyrage_migrations') is not null as found`,
      );
      if (tables[0].found) assert.deepEqual(await history(production), [], "apply ran nothing");
    } finally {
      await production.dispose();
    }
  },
);

// README: "records those upstream applied (`public.kysely_migration`) as applied". Upstream's `apply` (Kysely's
// Migrator, which holds its advisory lock 3853314791062309107 while it migrates) is running its next file while
// `import-upstream` runs: kyrage records the files committed so far and reports success; the file committed a moment
// later is applied but not in kyrage's history, so kyrage's `apply` runs it again.
serverTest(
  "import-upstream while upstream's apply holds its migration lock records every file it applied",
  async (_db, _dir, target) => {
    await runSql(target, [...KYSELY_TABLES, ...A1_SQL, ...A2_SQL]);
    const dir = await appProject(target, [A1, A2, A3]);
    const client = postgres(target.databaseUrl!, { max: 1, onnotice: () => {} });
    try {
      const upstream = await client.reserve();
      await upstream.unsafe("begin");
      await upstream.unsafe("select pg_advisory_xact_lock(3853314791062309107)");
      for (const statement of A3_SQL) await upstream.unsafe(statement);
      const importing = spawnCli(["import-upstream"], { cwd: dir }).output();
      // Upstream's transaction stays open until the import ends, or 20 s pass (the import waits for the lock).
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([importing, new Promise((resolve) => timer = setTimeout(resolve, 20_000))]);
      clearTimeout(timer);
      await upstream.unsafe("commit");
      upstream.release();
      const imported = await importing;
      if (imported.code === 0) {
        assert.deepEqual(
          await history(target),
          A1_TO_A3_IDS,
          "import-upstream succeeded but left out the file upstream was applying",
        );
      }
    } finally {
      await client.end();
    }
  },
);

// README: "Run `kyrage import-upstream` once: it converts `migrations/<epoch-ms>.json` into kyrage files [...] and
// records those upstream applied". An upstream file left with git's conflict markers (a merge of two branches that
// both generated) is not JSON: import-upstream skips it without a word, reports success, records the other two, and
// calls the applied file's kysely_migration row "a hand-written Kysely migration?". `status` refuses the same file
// at once, naming it.
serverTest(
  "an upstream file that is not JSON stops import-upstream, named, before anything is recorded",
  async (_db, _dir, target) => {
    await applyA1ToA3(target);
    const conflicted = JSON.stringify(A3, null, 2).replace(
      `"type": "drop_table",`,
      `<<<<<<< HEAD\n      "type": "drop_table",\n=======\n      "type": "drop_table",\n>>>>>>> feature`,
    );
    const dir = await tempProject({
      "kyrage.config.ts": appConfig(target),
      "schema.ts": appSchema(false),
      ...asFiles([A1, A2]),
      [`migrations/${A3.id}.json`]: conflicted,
    });
    const imported = await runCli(["import-upstream"], { cwd: dir });
    assert.equal(imported.code, 1, `import-upstream succeeded without ${A3.id}.json:\n${imported.stdout}`);
    assert.match(imported.stderr, /1760200000000\.json/);
    await assertNothingRecorded(target, "history is all or nothing");
  },
);

// README: "Run `kyrage import-upstream` once: it [...] records those upstream applied (`public.kysely_migration`) as
// applied" and ("Adopting an existing database") "A baseline starts a history: with migration files already in
// `migrations/`, or applied migrations on D, it is refused". On an upstream-built database whose upstream files are
// not at hand, `status` suggests `pull --baseline`; once the files are back, import-upstream records upstream's three
// files as applied *before* the baseline: a second start, and the history no longer replays (`check` and `status`
// fail: "relation "memberships" already exists").
serverTest(
  "import-upstream on a database kyrage already baselined is refused; the history still replays",
  async (_db, _dir, target) => {
    await applyA1ToA3(target);
    const dir = await appProject(target);
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    const status = await cli("status");
    assert.match(status.stdout, /kyrage pull --baseline/);
    const baseline = await cli("pull", "--baseline", "--out", "pulled.ts");
    assert.equal(baseline.code, 0, baseline.stdout + baseline.stderr);
    const [baselineId] = await history(target);
    for (const [name, text] of Object.entries(asFiles([A1, A2, A3]))) await Deno.writeTextFile(`${dir}/${name}`, text);
    const imported = await cli("import-upstream");
    assert.equal(imported.code, 1, `import-upstream recorded a second start of the history:\n${imported.stdout}`);
    assert.deepEqual(await history(target), [baselineId]);
    const check = await cli("check");
    assert.equal(check.code, 0, check.stdout + check.stderr);
  },
);

/**
 * A migration's DDL and its history row commit together: a long apply of
 * many small migrations is killed with SIGKILL at random moments, round
 * after round, and after every kill each migration is entirely there and
 * recorded, or entirely absent and not recorded. The kill points are
 * seeded (printed; KYRAGE_TEST_SEED=<seed> replays them).
 */
import assert from "node:assert/strict";
import { type BackendName, BACKENDS, createTestDatabase } from "../support/backends.ts";
import { projectFor, runCli } from "../support/cli.ts";
import {
  checkAllOrNothing,
  interruptedApply,
  seededRandom,
  testSeed,
  writeManyMigrations,
} from "../support/all_or_nothing.ts";
import { observe, otherSessions, waitFor } from "../support/sessions.ts";

/**
 * Sized so that moving the history insert after COMMIT (a window of one
 * round trip per migration) is caught: each kill lands in that window about
 * once in ten to twenty, so tens of rounds; a round costs ~0.15 s on the
 * server and ~0.6 s on PGlite, and each applies one to three migrations.
 */
const SIZE: Record<BackendName, { migrations: number; tablesEach: number; rounds: number }> = {
  postgres: { migrations: 120, tablesEach: 2, rounds: 40 },
  pglite: { migrations: 80, tablesEach: 2, rounds: 30 },
};

function registerKillTest(backend: BackendName) {
  Deno.test({
    name: `SIGKILL at random moments of a long apply: every migration all or nothing, history matching [${backend}]`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const seed = testSeed();
      // deno-lint-ignore no-console -- the seed is what makes a failure reproducible
      console.log(`  seed ${seed} (KYRAGE_TEST_SEED=${seed} replays these kill points)`);
      const random = seededRandom(seed);
      const { migrations, tablesEach, rounds } = SIZE[backend];
      const target = await createTestDatabase(backend);
      const dir = await projectFor(target, "");
      try {
        const many = await writeManyMigrations(dir, migrations, tablesEach);
        let kills = 0;
        let applied = 0;
        const progress: number[] = [];
        for (let round = 0; round < rounds && applied < migrations; round++) {
          const { status } = await interruptedApply(dir, random, (child) => child.kill("SIGKILL"));
          if (status.signal === "SIGKILL") kills++;
          else assert.equal(status.code, 0, `round ${round} (seed ${seed}): apply failed on its own`);
          const database = backend === "postgres" ? await observe(target) : await target.open();
          try {
            if (backend === "postgres") {
              // The server notices the dead client and rolls back its open transaction.
              await waitFor("the killed session to end", async () => (await otherSessions(database)).length === 0);
            }
            applied = await checkAllOrNothing(database, many, `round ${round} (seed ${seed})`);
            progress.push(applied);
          } finally {
            await database.close();
          }
        }
        // deno-lint-ignore no-console -- how far each killed run got, to see the kills spread over the apply
        console.log(`  ${kills} kills; migrations applied after each round: ${progress.join(" ")}`);
        assert.ok(kills > 0, `seed ${seed}: no apply was killed mid-way`);
        const final = await runCli(["apply"], { cwd: dir });
        assert.equal(final.code, 0, final.stderr);
        const database = await target.open();
        try {
          assert.equal(await checkAllOrNothing(database, many, `final run (seed ${seed})`), migrations);
        } finally {
          await database.close();
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
        await target.dispose();
      }
    },
  });
}

for (const backend of BACKENDS) registerKillTest(backend);

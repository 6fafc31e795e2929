/**
 * README "Safety": planning reads with a 5 s `lock_timeout` and names the session holding the lock when it runs out;
 * no command hangs. `plan`, `status` and `generate` are covered in readme_claims_safety_test.ts; these hold `pull` and
 * `watch` (which read the same catalogs: a column default's `pg_get_expr` locks its table) to it.
 */
import assert from "node:assert/strict";
import { serverTest } from "../support/backends.ts";
import { databaseBlock, runCli, spawnCli, tempProject } from "../support/cli.ts";
import { holdLock } from "../support/sessions.ts";
import { exitStatus, Transcript } from "../support/transcript.ts";

const config = (target: { databaseUrl?: string }, columns: string) =>
  `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ database: ${databaseBlock(target)},
  tables: [defineTable("items", { id: column("int", { primaryKey: true }), ${columns} })] });
`;

async function applied(target: { databaseUrl?: string }): Promise<string> {
  const dir = await tempProject({
    "kyrage.config.ts": config(target, `note: column("text", { defaultSql: "'new'" })`),
  });
  for (const command of ["generate", "apply"]) {
    const run = await runCli([command], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
  }
  return dir;
}

/** Run the CLI for at most `ms`, killing it then; whether it finished, its exit code and its output. */
async function runFor(dir: string, args: string[], ms: number) {
  const child = spawnCli(args, { cwd: dir });
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = await Promise.race([
    child.status,
    new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), ms)),
  ]);
  clearTimeout(timer);
  if (!status) child.kill("SIGKILL");
  await child.status;
  return { finished: status !== undefined, code: status?.code, output: `${await stdout}\n${await stderr}` };
}

serverTest(
  "pull gives up on a table another session holds locked and names that session",
  async (_db, _dir, target) => {
    const dir = await applied(target);
    const release = await holdLock(target.databaseUrl!, "items");
    try {
      const run = await runFor(dir, ["pull", "--out", "pulled.ts"], 30_000);
      assert.ok(run.finished, `pull was still waiting on the lock after 30 s:\n${run.output}`);
      assert.equal(run.code, 1, run.output);
      assert.match(
        run.output,
        /public\.items is locked by session \d+/,
        `the holding session is named:\n${run.output}`,
      );
      assert.equal(await Deno.stat(`${dir}/pulled.ts`).then(() => true, () => false), false, "nothing written");
    } finally {
      await release();
    }
  },
);

serverTest(
  "watch reports a table another session holds locked instead of waiting, and plans once it is released",
  async (_db, _dir, target) => {
    const dir = await applied(target);
    const child = spawnCli(["watch"], { cwd: dir });
    const out = new Transcript(child.stdout);
    const err = new Transcript(child.stderr);
    try {
      await out.waitFor(/nothing to change/);
      const release = await holdLock(target.databaseUrl!, "items");
      let released = false;
      try {
        const mark = err.text.length;
        await Deno.writeTextFile(
          `${dir}/kyrage.config.ts`,
          config(target, `note: column("text", { defaultSql: "'new'" }), extra: column("int")`),
        );
        await err.waitFor(/public\.items is locked by session \d+/, mark, 30_000);
        await release();
        released = true;
        const saved = out.text.length;
        await Deno.writeTextFile(
          `${dir}/kyrage.config.ts`,
          config(target, `note: column("text", { defaultSql: "'new'" }), extra: column("int")`) + "\n",
        );
        await out.waitFor(/1 operation/, saved);
      } finally {
        if (!released) await release();
      }
    } finally {
      child.kill("SIGINT");
      assert.equal((await exitStatus(child)).code, 0, err.text);
    }
  },
);

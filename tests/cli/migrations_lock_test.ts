/**
 * One writer per migrations directory, as real processes: two `generate`
 * runs at once write one migration, not the same operations twice; while a
 * `kyrage watch` session runs, a second watch, `generate` and
 * `pull --baseline` refuse at once, and the session goes on.
 */
import assert from "node:assert/strict";
import { createTestDatabase } from "../support/backends.ts";
import { databaseBlock, runCli, spawnCli, tempProject } from "../support/cli.ts";
import { exitStatus, Transcript } from "../support/transcript.ts";

const USERS = `defineTable("users", { id: column("int", { primaryKey: true }), email: column("text") })`;

const config = (database?: string, tables = USERS) =>
  `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({ ${database ? `database: ${database}, ` : ""}tables: [${tables}] });`;

const migrationFiles = (dir: string) => [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name).sort();

Deno.test({
  name: "two generate runs at once against one server: one migration, and the other refuses it as pending",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const db = await createTestDatabase("postgres");
    try {
      const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(db)) });
      const runs = await Promise.all([runCli(["generate"], { cwd: dir }), runCli(["generate"], { cwd: dir })]);
      const report = runs.map((r) => `[${r.code}] ${r.stdout}${r.stderr}`).join("\n");
      assert.equal(migrationFiles(dir).length, 1, report);
      const [wrote, refused] = runs[0].code === 0 ? runs : [runs[1], runs[0]];
      assert.equal(wrote.code, 0, report);
      assert.match(wrote.stdout, /Wrote .*\.json/, report);
      assert.equal(refused.code, 1, report);
      assert.match(refused.stderr, /1 migration\(s\) in \S+ not applied to \S+ yet/, report);
    } finally {
      await db.dispose();
    }
  },
});

Deno.test({
  name: "two generate --dev runs at once: one migration, and the other finds nothing to do",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ "kyrage.config.ts": config() });
    const runs = await Promise.all([
      runCli(["generate", "--dev"], { cwd: dir }),
      runCli(["generate", "--dev"], { cwd: dir }),
    ]);
    const report = runs.map((r) => `[${r.code}] ${r.stdout}${r.stderr}`).join("\n");
    assert.equal(migrationFiles(dir).length, 1, report);
    assert.deepEqual(runs.map((r) => r.code), [0, 0], report);
    assert.deepEqual(
      runs.map((r) => /Wrote /.test(r.stdout) ? "wrote" : /No changes/.test(r.stdout) ? "nothing" : "?").sort(),
      ["nothing", "wrote"],
      report,
    );
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "while watch runs, a second watch, generate and pull --baseline refuse at once; the session goes on",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const db = await createTestDatabase("postgres");
    const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(db)) });
    const child = spawnCli(["watch"], { cwd: dir });
    const out = new Transcript(child.stdout);
    const err = new Transcript(child.stderr);
    try {
      await out.waitFor(/kyrage\.config\.ts: 1 operation [^\n]*→ \S+\.json/);
      const owned = migrationFiles(dir);
      // The locks live in local state, outside migrations/, and out of version control.
      assert.ok((await Deno.stat(`${dir}/.kyrage/migrations.writer.lock`)).isFile);
      assert.equal(await Deno.readTextFile(`${dir}/.kyrage/.gitignore`), "*\n");

      const second = spawnCli(["watch"], { cwd: dir });
      const secondErr = new Transcript(second.stderr);
      assert.equal((await exitStatus(second)).code, 1, secondErr.text);
      assert.match(
        secondErr.text,
        /error: The migrations directory \S*migrations is held by another running `kyrage watch` session/,
      );

      for (const args of [["generate"], ["generate", "--dev"], ["pull", "--baseline", "--out", "pulled.ts"]]) {
        const run = await runCli(args, { cwd: dir });
        assert.equal(run.code, 1, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
        assert.match(
          run.stderr,
          /error: The migrations directory \S*migrations is held by a running `kyrage watch` session/,
          args.join(" "),
        );
      }
      assert.deepEqual(migrationFiles(dir), owned, "nothing else was written");

      const mark = out.text.length;
      await Deno.writeTextFile(
        `${dir}/kyrage.config.ts`,
        config(databaseBlock(db), `${USERS}, defineTable("tags", { name: column("text") })`),
      );
      await out.waitFor(/kyrage\.config\.ts: 2 operations[\s\S]*CREATE TABLE "public"\."tags"/, mark);
    } finally {
      child.kill("SIGINT");
    }
    assert.equal((await exitStatus(child)).code, 0, err.text);
    // The lock went with the session.
    const after = await runCli(["generate", "--dev"], { cwd: dir });
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /No changes/);
    await db.dispose();
  },
});

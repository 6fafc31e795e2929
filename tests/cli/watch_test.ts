/**
 * A real `kyrage watch` process on a temp project: edits in place and by
 * atomic rename are followed by the migration JSON and the printed SQL; a
 * broken edit keeps the last good file; a fix recovers; Ctrl-C exits 0. A
 * config that never finishes loading is given up on after a bound, and
 * Ctrl-C or SIGTERM stop watch at once even while a load is stuck.
 */
import assert from "node:assert/strict";
import { spawnCli, tempProject } from "../support/cli.ts";
import { exitStatus, Transcript } from "../support/transcript.ts";

const CONFIG = `import { defineConfig } from "kyrage";
import { tables } from "./schema.ts";
export default defineConfig({ tables });`;

const schema = (columns: string) =>
  `import { column, defineTable } from "kyrage";
import { extra } from "./nested/extra.ts";
export const tables = [defineTable("users", { id: column("int", { primaryKey: true }), ${columns} }), ...extra];`;

Deno.test({
  name: "watch follows every save, survives a broken one, and stops cleanly",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({
      "kyrage.config.ts": CONFIG,
      "schema.ts": schema(""),
      "nested/extra.ts": `import { column, defineTable } from "kyrage";
export const extra = [defineTable("tags", { name: column("text") })];`,
    });
    const child = spawnCli(["watch"], { cwd: dir });
    const out = new Transcript(child.stdout);
    const err = new Transcript(child.stderr);
    const migration = async () => {
      const files = [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name);
      assert.equal(files.length, 1, `one owned file: ${files}`);
      return { name: files[0], text: await Deno.readTextFile(`${dir}/migrations/${files[0]}`) };
    };
    try {
      await out.waitFor(/kyrage\.config\.ts: 2 operations .* → .*\.json/);
      await err.waitFor(/Watching .*kyrage\.config\.ts/);
      const first = await migration();

      let mark = out.text.length;
      await Deno.writeTextFile(`${dir}/schema.ts`, schema(`age: column("int"),`)); // in place
      await out.waitFor(/schema\.ts: 2 operations[^\n]*\n[\s\S]*"age" integer/, mark);
      assert.match((await migration()).text, /"name": "age",\s*"type": "integer"/);

      mark = out.text.length;
      await Deno.writeTextFile(`${dir}/schema.tmp`, schema(`age: column("bigint"),`)); // atomic save
      await Deno.rename(`${dir}/schema.tmp`, `${dir}/schema.ts`);
      await out.waitFor(/"age" bigint/, mark);
      const good = await migration();
      assert.equal(good.name, first.name, "the owned file keeps its id");
      assert.match(good.text, /"type": "bigint"/);

      mark = out.text.length;
      await Deno.writeTextFile(`${dir}/nested/extra.ts`, `export const extra = [[[;`); // nested import breaks
      await err.waitFor(/nested\/extra\.ts: error: [\s\S]*nested\/extra\.ts:1:/);
      assert.equal((await migration()).text, good.text, "the last good file is unchanged");

      await Deno.writeTextFile(
        `${dir}/nested/extra.ts`,
        `import { column, defineTable } from "kyrage";
export const extra = [defineTable("tags", { name: column("text"), color: column("text") })];`,
      );
      await out.waitFor(/nested\/extra\.ts: 2 operations[\s\S]*"color" text/, mark);

      mark = out.text.length;
      await Deno.writeTextFile(
        `${dir}/kyrage.config.ts`,
        `import { defineConfig } from "kyrage";
export default defineConfig({ tables: [] });`,
      );
      await out.waitFor(/kyrage\.config\.ts: 0 operations .* nothing to change/, mark);
      assert.deepEqual([...Deno.readDirSync(`${dir}/migrations`)], [], "no changes: the file is removed");
      assert.ok(!(out.text + err.text).includes("\u001b["), "plain text, no control codes");
    } finally {
      child.kill("SIGINT");
    }
    const status = await child.status;
    assert.equal(status.code, 0, err.text);
    await err.waitFor(/Stopped watching/);
  },
});

/** Two ways a config never settles: a top-level await on nothing, and an endless loop. */
const HANGS = { "top-level await": "await new Promise(() => {});", "endless loop": "while (true) {}" };

Deno.test({
  name: "watch gives up on a config that never finishes loading, keeps watching, and a fixed save works",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({
      "kyrage.config.ts": CONFIG,
      "schema.ts": schema(""),
      "nested/extra.ts": `export const extra = [];`,
    });
    const child = spawnCli(["watch"], { cwd: dir, env: { KYRAGE_WATCH_CONFIG_TIMEOUT_MS: "4000" } });
    const out = new Transcript(child.stdout);
    const err = new Transcript(child.stderr);
    try {
      await out.waitFor(/kyrage\.config\.ts: 1 operation /);
      let round = 0;
      for (const [shape, hang] of Object.entries(HANGS)) {
        round++;
        const errMark = err.text.length;
        await Deno.writeTextFile(`${dir}/schema.ts`, `${hang}\n${schema("")}`);
        await err.waitFor(
          /schema\.ts: error: The config \S*kyrage\.config\.ts did not finish loading within 4 s/,
          errMark,
          60_000,
        ).catch((e) => Promise.reject(new Error(`${shape}: ${e.message}`)));
        const outMark = out.text.length;
        await Deno.writeTextFile(`${dir}/schema.ts`, schema(`v${round}: column("int"),`));
        await out.waitFor(new RegExp(`schema\\.ts: 1 operation[^\\n]*\\n[\\s\\S]*"v${round}" integer`), outMark);
      }
    } finally {
      child.kill("SIGINT");
    }
    assert.equal((await exitStatus(child)).code, 0, err.text);
  },
});

for (
  const [shape, signal] of [
    ["top-level await", "SIGINT"],
    ["endless loop", "SIGINT"],
    ["endless loop", "SIGTERM"],
  ] as const
) {
  Deno.test({
    name: `${signal} stops watch with code 0 while a config load is stuck (${shape})`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const dir = await tempProject({
        "kyrage.config.ts": CONFIG,
        "schema.ts": `${HANGS[shape]}\n${schema("")}`,
        "nested/extra.ts": `export const extra = [];`,
      });
      // A bound far beyond the test's patience: only the signal can end this load.
      const child = spawnCli(["watch"], { cwd: dir, env: { KYRAGE_WATCH_CONFIG_TIMEOUT_MS: "600000" } });
      const err = new Transcript(child.stderr);
      await err.waitFor(/Watching /); // the first cycle is loading the config by now
      child.kill(signal);
      assert.equal((await exitStatus(child)).code, 0, err.text);
      assert.match(err.text, /Stopped watching/);
      assert.doesNotMatch(err.text, /error/);
    },
  });
}

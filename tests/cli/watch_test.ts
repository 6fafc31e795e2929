/**
 * A real `kyrage watch` process on a temp project: edits in place and by
 * atomic rename are followed by the migration JSON and the printed SQL; a
 * broken edit keeps the last good file; a fix recovers; Ctrl-C exits 0.
 */
import assert from "node:assert/strict";
import { spawnCli, tempProject } from "../support/cli.ts";

const CONFIG = `import { defineConfig } from "kyrage";
import { tables } from "./schema.ts";
export default defineConfig({ tables });`;

const schema = (columns: string) =>
  `import { column, defineTable } from "kyrage";
import { extra } from "./nested/extra.ts";
export const tables = [defineTable("users", { id: column("int", { primaryKey: true }), ${columns} }), ...extra];`;

/** Collects a stream's text and waits until it matches. */
class Transcript {
  text = "";
  constructor(stream: ReadableStream<Uint8Array>) {
    (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) this.text += chunk;
    })();
  }
  async waitFor(pattern: RegExp, after = 0, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.text.slice(after));
      if (match) return match[0];
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

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

/** watch's config loader keeps a Worker started ahead, yet every load sees the files as they are now. */
import assert from "node:assert/strict";
import { configLoader } from "../../src/watch/reload.ts";
import { tempProject } from "../support/cli.ts";

const schema = (table: string) =>
  `import { column, defineTable } from "kyrage";\nexport const tables = [defineTable("${table}", { id: column("int") })];\n`;

Deno.test("each load of the config loader sees the latest edit of a module the config imports", async () => {
  const dir = await tempProject({
    "kyrage.config.ts":
      `import { defineConfig } from "kyrage";\nimport { tables } from "./schema.ts";\nexport default defineConfig({ tables });\n`,
    "schema.ts": schema("first"),
  });
  const loader = configLoader();
  try {
    const names = async () =>
      (await loader.load(`${dir}/kyrage.config.ts`, { timeoutMs: 30_000 })).desired.tables.map((t) => t.name);
    assert.deepEqual(await names(), ["first"]);
    await Deno.writeTextFile(`${dir}/schema.ts`, schema("second"));
    assert.deepEqual(await names(), ["second"]);
    await Deno.writeTextFile(`${dir}/schema.ts`, schema("third"));
    assert.deepEqual(await names(), ["third"]);
  } finally {
    loader.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Configs written for the original @izumisy/kyrage (Node) work as they are:
 * extensionless relative imports resolve, in plan, generate and watch alike.
 */
import assert from "node:assert/strict";
import { runCli, spawnCli, tempProject } from "../support/cli.ts";

const PROJECT = {
  "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { members } from "./schema";
export default defineConfig({ database: { dialect: "pglite", dataDir: "db" }, tables: [members] });`,
  "schema.ts": `import { column, defineTable } from "kyrage";
import { extra } from "./nested/extra";
export const members = defineTable("members", { id: column("uuid", { primaryKey: true }), ...extra });`,
  "nested/extra.ts": `import { column } from "kyrage";
export const extra = { email: column("text", { notNull: true }) };`,
};

Deno.test("a config importing ./schema without an extension plans and generates", async () => {
  const dir = await tempProject(PROJECT);
  const plan = await runCli(["plan"], { cwd: dir });
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /CREATE TABLE "public"\."members"[\s\S]*"email" text NOT NULL/);
  const generated = await runCli(["generate"], { cwd: dir });
  assert.equal(generated.code, 0, generated.stderr);
});

Deno.test({
  name: "watch follows extensionless imports too",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject(PROJECT);
    const child = spawnCli(["watch"], { cwd: dir });
    let text = "";
    const collecting = (async () => {
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) text += chunk;
    })();
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + 30_000;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor(/"email" text NOT NULL/);
      await Deno.writeTextFile(
        `${dir}/nested/extra.ts`,
        `import { column } from "kyrage";\nexport const extra = { email: column("text", { notNull: true }), age: column("int") };`,
      );
      await waitFor(/nested\/extra\.ts: [\s\S]*"age" integer/);
    } finally {
      child.kill("SIGINT");
      await child.status;
      await collecting;
      await child.stderr.cancel().catch(() => {});
    }
  },
});

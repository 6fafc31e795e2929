/** The embedded database's failure modes give clear errors, never a hang or a trace. */
import assert from "node:assert/strict";
import { openPglite } from "../../src/dialect/pglite/connect.ts";
import { runCli, tempProject } from "../support/cli.ts";
import { copyDir } from "../support/pglite_template.ts";
import { createTestDatabase } from "../support/backends.ts";

const CONFIG = `import { defineConfig, defineTable, column } from "kyrage";
export default defineConfig({ database: { dialect: "pglite", dataDir: "db" }, tables: [defineTable("t", { id: column("int") })] });`;

Deno.test({
  name: "a data directory held by another process is refused with a clear error",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const template = await createTestDatabase("pglite");
    const dir = await tempProject({ "kyrage.config.ts": CONFIG });
    await copyDir(template.dataDir!, `${dir}/db`);
    const holder = await openPglite(`${dir}/db`);
    try {
      const result = await runCli(["plan"], { cwd: dir });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^error: The embedded database .*\/db is in use by another kyrage process/m);
    } finally {
      await holder.close();
      await template.dispose();
    }
    const after = await runCli(["plan", "--exit-code"], { cwd: dir });
    assert.equal(after.code, 2, `usable once released: ${after.stderr}`);
  },
});

Deno.test("a damaged data directory names the directory and what to do", async () => {
  const dir = await tempProject({ "kyrage.config.ts": CONFIG, "db/PG_VERSION": "garbage\n", "db/base/1/junk": "x" });
  const result = await runCli(["plan"], { cwd: dir });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: Cannot open the embedded database in .*\/db: .*move it away/m);
});

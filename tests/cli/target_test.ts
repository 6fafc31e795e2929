/**
 * Which database a command uses, as the README states it: `--database-url`,
 * then `DATABASE_URL`, then the config's `database`, then the embedded
 * default; a connection error names where the string came from.
 */
import assert from "node:assert/strict";
import { createTestDatabase } from "../support/backends.ts";
import { runCli, tempProject } from "../support/cli.ts";

function deadUrl(database: string): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return `postgres://nobody@127.0.0.1:${port}/${database}`;
}

Deno.test({
  name: "--database-url beats DATABASE_URL, which beats the config's connectionString; errors name the source",
  sanitizeResources: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    try {
      const config = deadUrl("from_config");
      const dir = await tempProject({
        "kyrage.config.ts": `import { defineConfig } from "kyrage";
export default defineConfig({ database: { dialect: "postgres", connectionString: ${
          JSON.stringify(config)
        } }, tables: [] });`,
      });
      const fromConfig = await runCli(["plan"], { cwd: dir });
      assert.equal(fromConfig.code, 1);
      assert.match(fromConfig.stderr, /from_config/);
      assert.match(fromConfig.stderr, /database\.connectionString in .*kyrage\.config\.ts/);

      const fromEnv = await runCli(["plan"], { cwd: dir, env: { DATABASE_URL: target.databaseUrl! } });
      assert.equal(fromEnv.code, 0, `DATABASE_URL wins over the config: ${fromEnv.stderr}`);

      const flag = deadUrl("from_flag");
      const fromFlag = await runCli(["plan", "--database-url", flag], {
        cwd: dir,
        env: { DATABASE_URL: target.databaseUrl! },
      });
      assert.equal(fromFlag.code, 1);
      assert.match(fromFlag.stderr, /from_flag/);
      assert.match(fromFlag.stderr, /--database-url/);

      const envDead = await runCli(["plan"], { cwd: dir, env: { DATABASE_URL: deadUrl("from_env") } });
      assert.equal(envDead.code, 1);
      assert.match(envDead.stderr, /from_env/);
      assert.match(envDead.stderr, /DATABASE_URL/);
    } finally {
      await target.dispose();
    }
  },
});

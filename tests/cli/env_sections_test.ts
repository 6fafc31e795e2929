/**
 * Environment sections that would silently change which database a deploy
 * uses: KYRAGE_ENV naming a section the config does not have (a typo, or
 * `$prod` for `production`), a section nested in a section, and an unknown
 * key in a section the current environment does not select. Each is an
 * error naming it, in every environment.
 */
import assert from "node:assert/strict";
import { runCli, tempProject } from "../support/cli.ts";

async function plan(sections: string, env: Record<string, string> = {}) {
  const dir = await tempProject({
    "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({
  ${sections}
  tables: [t("members", { id: c("uuid", { primaryKey: true }) })],
} as never);`,
  });
  return await runCli(["plan", "--dev"], { cwd: dir, env });
}

const PROD = `$prod: { database: { dialect: "postgres", connectionString: "postgres://app@db.internal/app" } },`;

Deno.test("KYRAGE_ENV naming a section the config lacks is an error listing those it has", async () => {
  const result = await plan(PROD, { KYRAGE_ENV: "production" });
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stderr, /KYRAGE_ENV is "production", but .* has no \$production section .*\$prod/);
  // NODE_ENV is set for many other reasons: no section for it is fine.
  const node = await plan(PROD, { NODE_ENV: "production" });
  assert.equal(node.code, 0, node.stderr);
  const matching = await plan(PROD, { KYRAGE_ENV: "prod" });
  assert.equal(matching.code, 0, matching.stderr);
  // A config without sections is the same config in every environment.
  const plain = await plan("", { KYRAGE_ENV: "prodution" });
  assert.equal(plain.code, 0, plain.stderr);
});

Deno.test("a section nested in a section is an error naming it", async () => {
  const result = await plan(`$production: { $env: { staging: { migrationsDir: "x" } } },`, {
    KYRAGE_ENV: "production",
  });
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stderr, /\$production\.\$env/);
});

Deno.test("an unknown key in a section the environment does not select is still an error", async () => {
  const typo = `$production: { databse: { dialect: "postgres", connectionString: "postgres://app@db/app" } },`;
  for (const env of [{}, { KYRAGE_ENV: "production" }] as Record<string, string>[]) {
    const result = await plan(typo, env);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /unknown key "databse" in \$production/);
  }
  const inEnv = await plan(`$env: { staging: { onlin: false } },`);
  assert.equal(inEnv.code, 1, inEnv.stdout);
  assert.match(inEnv.stderr, /unknown key "onlin" in \$env\.staging/);
});

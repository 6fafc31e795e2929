/**
 * `import-upstream` on tampered upstream ids: two files whose ids are the
 * same instant (a copied file, a leading zero) would be written to one
 * kyrage file, the second overwriting the first; an id past the year 9999
 * has no 17-digit kyrage id. Both are refused before anything is written.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";

const upstream = (id: string, table: string) =>
  JSON.stringify({
    version: "1",
    id,
    diff: { operations: [{ type: "create_table", table, columns: { id: { type: "integer" } } }] },
  });

const config = (target: { databaseUrl?: string; dataDir?: string }) =>
  `import { defineConfig } from "kyrage";
export default defineConfig({ database: ${databaseBlock(target)}, tables: [] });`;

const jsonNames = (dir: string) =>
  [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name).filter((n) => n.endsWith(".json")).sort();

backendTest("import-upstream refuses upstream files whose ids are the same instant", async (target) => {
  const dir = await tempProject({
    "kyrage.config.ts": config(target),
    "migrations/1700000000000.json": upstream("1700000000000", "authors"),
    "migrations/1700000000000 copy.json": upstream("01700000000000", "books"),
  });
  const imported = await runCli(["import-upstream"], { cwd: dir });
  assert.equal(imported.code, 1, imported.stdout);
  assert.match(imported.stderr, /1700000000000 copy\.json.*1700000000000\.json|1700000000000\.json.*copy\.json/);
  assert.match(imported.stderr, /same/);
  assert.deepEqual(jsonNames(dir), ["1700000000000 copy.json", "1700000000000.json"], "nothing written");
});

backendTest("import-upstream refuses an upstream id past the year 9999", async (target) => {
  const dir = await tempProject({
    "kyrage.config.ts": config(target),
    "migrations/1700000000000.json": upstream("1700000000000", "authors"),
    "migrations/300000000000000.json": upstream("300000000000000", "books"),
  });
  const imported = await runCli(["import-upstream"], { cwd: dir });
  assert.equal(imported.code, 1, imported.stdout);
  assert.match(imported.stderr, /300000000000000\.json .* malformed at id/);
  assert.deepEqual(jsonNames(dir), ["1700000000000.json", "300000000000000.json"], "nothing written");
});

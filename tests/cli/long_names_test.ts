/**
 * Long table and column names (past PostgreSQL's 63 bytes) with
 * `naming: "kyrage-v1"` and composite keys: generate, apply, then plan is
 * empty and lists nothing as not managed. PostgreSQL 18 (PGlite) names each
 * NOT NULL constraint itself, shortening table and column names the way it
 * shortens every generated name; those are its defaults, not foreign ones.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { projectFor, runCli } from "../support/cli.ts";

const TABLE = "t".repeat(40);
const COLUMN = "c".repeat(30);
const WIDE = "é".repeat(20); // 40 bytes

const TABLES = `defineTable("${TABLE}", {
    id: column("integer", { notNull: true }),
    ${COLUMN}: column("integer", { notNull: true, unique: true }),
    ${COLUMN}2: column("integer", { notNull: true }),
    ${WIDE}: column("integer", { notNull: true, unique: true }),
  }, (t) => [t.primaryKey(["id", "${COLUMN}"]), t.unique(["${COLUMN}", "${COLUMN}2"]), t.index(["${COLUMN}2", "${COLUMN}"])]),
  defineTable("ref_${TABLE}", { id: column("integer", { primaryKey: true }), a: column("integer"), b: column("integer") },
    (t) => [t.reference(["a", "b"], "${TABLE}", ["id", "${COLUMN}"])])`;

backendTest("naming kyrage-v1 with names past 63 bytes and composite keys plans empty after apply", async (target) => {
  const dir = await projectFor(target, TABLES);
  const path = `${dir}/kyrage.config.ts`;
  await Deno.writeTextFile(
    path,
    (await Deno.readTextFile(path)).replace("defineConfig({", `defineConfig({ naming: "kyrage-v1",`),
  );
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const generated = await cli("generate");
  assert.equal(generated.code, 0, generated.stderr);
  assert.match(generated.stdout, /unique uq_t{40}_c{19} on/, "upstream's name, as PostgreSQL stores it (63 bytes)");
  const applied = await cli("apply");
  assert.equal(applied.code, 0, applied.stderr);
  const plan = await cli("plan", "--exit-code");
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /No changes/);
  assert.doesNotMatch(plan.stdout, /NOT MANAGED/);
});

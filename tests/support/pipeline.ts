/** The library pipeline as tests drive it: config in, database changed. */
import assert from "node:assert/strict";
import { type LoadedConfig, validateConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/dsl.ts";
import type { Database } from "../../src/dialect/database.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { planChanges } from "../../src/plan.ts";

/** A config as if loaded from `<dir>/kyrage.config.ts`. */
export function loaded(config: Config, dir: string): LoadedConfig {
  return validateConfig(config, `${dir}/kyrage.config.ts`);
}

export function plan(database: Database, config: LoadedConfig): Promise<Operation[]> {
  return planChanges(database, config.desired, { online: config.online });
}

/** generate (allowing destructive changes) then apply; returns the operations. */
export async function generateAndApply(database: Database, config: LoadedConfig): Promise<readonly Operation[]> {
  const result = await generateMigration(database, config, { allowDestructive: true });
  await applyMigrations(database.db, await readMigrations(config.migrationsDir), {
    lockWaitMs: 30_000,
    statementLockTimeout: "10s",
  });
  return result.operations;
}

/** generate + apply, then require an empty re-plan. */
export async function converge(database: Database, dir: string, config: Config): Promise<readonly Operation[]> {
  const ops = await generateAndApply(database, loaded(config, dir));
  assert.deepEqual(await plan(database, loaded(config, dir)), [], "re-plan is empty");
  return ops;
}

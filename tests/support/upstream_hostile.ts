/**
 * A project of @izumisy/kyrage for the hostile tests: its files as upstream
 * writes them (every column attribute spelled out), the applied ones run as
 * Kysely's Migrator ran them (one transaction each, with its history row).
 * The README claims' fixed project is upstream_project.ts.
 */
import type { TestDatabase } from "./backends.ts";
import { databaseBlock, runCli, tempProject } from "./cli.ts";
import { runStatements } from "./claims.ts";
import { asFiles, KYSELY_TABLES } from "./upstream_project.ts";

export { col } from "./upstream_project.ts";

export const upstreamFile = (id: string, operations: unknown[], version = "1") => ({
  version,
  id,
  diff: { operations },
});
const kyselyRow = (id: string) =>
  `insert into "kysely_migration" ("name", "timestamp") values ('${id}', '${
    new Date(Number(id) + 1000).toISOString()
  }')`;

/** A project of upstream: files on disk, the applied ones run as Kysely ran them. */
export async function upstreamProject(
  target: TestDatabase,
  applied: { file: { id: string }; sql: string[] }[],
  pending: { id: string }[],
  schema: string,
  /** Made by hand before upstream's first migration. */
  before: string[] = [],
): Promise<{ dir: string; cli: (...args: string[]) => ReturnType<typeof runCli> }> {
  await runStatements(target, [...before, ...KYSELY_TABLES]);
  for (const { file, sql } of applied) await runStatements(target, [...sql, kyselyRow(file.id)], { transaction: true });
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import * as schema from "./schema";
export default defineConfig({ naming: "kyrage-v1", database: ${databaseBlock(target)}, tables: Object.values(schema) });
`,
    "schema.ts": schema,
    ...asFiles([...applied.map((a) => a.file), ...pending]),
  });
  return { dir, cli: (...args: string[]) => runCli(args, { cwd: dir }) };
}

export const output = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

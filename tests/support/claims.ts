/**
 * What the README-claims tests (`tests/{cli,integration}/readme_claims_*_test.ts`) do again and again, as a user
 * would: write a project whose config targets a test database, run the real CLI in it, and read or change the
 * database from a session of the test's own. A file's own variant is a parameter here, not a copy.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../../src/dialect/database.ts";
import { sql } from "kysely";
import type { TestDatabase } from "./backends.ts";
import { type CliResult, databaseBlock, runCli, tempProject } from "./cli.ts";

/** The database a project's config names: a server's (`databaseUrl`) or a PGlite data directory. */
export type ProjectTarget = Pick<TestDatabase, "databaseUrl" | "dataDir">;

/** `kyrage.config.ts`: the `imports` lines, then `defineConfig` of the target's `database` and `entries`. */
const configFile = (target: ProjectTarget, imports: string, entries: string) =>
  `${imports}
export default defineConfig({ database: ${databaseBlock(target)}, ${entries} });
`;

/** A project whose config is `defineConfig({ database, ...cfg })`, `cfg` the default export of `schema.ts`. */
export function project(target: ProjectTarget, schema: string): Promise<string> {
  return tempProject({
    "kyrage.config.ts": configFile(
      target,
      `import { defineConfig } from "kyrage";\nimport cfg from "./schema.ts";`,
      "...cfg",
    ),
    "schema.ts": schema,
  });
}

/**
 * A project whose config declares `body` in place: the object literal given to `defineConfig`, without `database`
 * (`column`, `defineSequence` and `defineTable` are imported).
 */
export function inlineProject(target: ProjectTarget, body: string): Promise<string> {
  return tempProject({
    "kyrage.config.ts": configFile(
      target,
      `import { column, defineConfig, defineSequence, defineTable } from "kyrage";`,
      body,
    ),
  });
}

/** A project whose config passes on the arrays `keys` that `schema.ts` will export (`pull` writes it). */
export function pullProject(target: ProjectTarget, keys: string[]): Promise<string> {
  const names = keys.join(", ");
  return tempProject({
    "kyrage.config.ts": configFile(
      target,
      `import { defineConfig } from "kyrage";\nimport { ${names} } from "./schema.ts";`,
      names,
    ),
  });
}

/** Replace the `schema.ts` of a `project`, as a user saving the file. */
export const writeSchema = (dir: string, schema: string): Promise<void> =>
  Deno.writeTextFile(`${dir}/schema.ts`, schema);

/** A CLI run, with stdout and stderr together in `output` for assertion messages. */
export interface CliRun extends CliResult {
  readonly output: string;
}

/** Run `kyrage <args>` in the project `dir`. */
export async function cli(dir: string, ...args: string[]): Promise<CliRun> {
  const result = await runCli(args, { cwd: dir });
  return { ...result, output: `${result.stdout}\n${result.stderr}` };
}

/** Run `kyrage <args>` in `dir`, which must exit 0; returns what it printed. */
export async function ok(dir: string, ...args: string[]): Promise<string> {
  const result = await cli(dir, ...args);
  assert.equal(result.code, 0, `kyrage ${args.join(" ")}:\n${result.output}`);
  return result.output;
}

/** `generate` (with `flags`), then `apply`: both must succeed. Returns what `generate` printed. */
export async function generateAndApply(dir: string, label = "", ...flags: string[]): Promise<string> {
  const about = label ? `${label}: ` : "";
  const generated = await cli(dir, "generate", ...flags);
  assert.equal(generated.code, 0, `${about}generate failed:\n${generated.output}`);
  const applied = await cli(dir, "apply");
  assert.equal(applied.code, 0, `${about}apply failed:\n${applied.output}`);
  return generated.output;
}

/** `generate`, `apply`, then `plan --exit-code` must be empty. Returns what `generate` printed. */
export async function converge(dir: string, label: string, ...flags: string[]): Promise<string> {
  const generated = await generateAndApply(dir, label, ...flags);
  const replanned = await cli(dir, "plan", "--exit-code");
  assert.equal(replanned.code, 0, `${label}: re-plan not empty:\n${replanned.output}`);
  return generated;
}

/** The names in the project's `migrations/`, sorted; none when it does not exist. */
export function migrationNames(dir: string): string[] {
  try {
    return [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** Run SQL on the test database from a session of the test's own; returns its rows. */
export async function query<T>(target: TestDatabase, text: string): Promise<T[]> {
  const database = await target.open();
  try {
    return (await sql.raw<T>(text).execute(database.db)).rows;
  } finally {
    await database.close();
  }
}

/** Run `statements` in order from a session of the test's own; with `transaction`, all in one (as Kysely's Migrator). */
export async function runStatements(
  target: TestDatabase,
  statements: readonly string[],
  { transaction = false }: { transaction?: boolean } = {},
): Promise<void> {
  // PGlite loads an extension's bundle only when asked to at start.
  const extensions = statements.flatMap((s) => /create extension (?:if not exists )?"?([\w-]+)"?/i.exec(s)?.[1] ?? []);
  const database = target.target.dialect === "pglite" && extensions.length > 0
    ? await openDatabase({ ...target.target, extensions })
    : await target.open();
  try {
    if (!transaction) {
      for (const statement of statements) await sql.raw(statement).execute(database.db);
      return;
    }
    await database.db.transaction().execute(async (tx) => {
      for (const statement of statements) await sql.raw(statement).execute(tx);
    });
  } finally {
    await database.close();
  }
}

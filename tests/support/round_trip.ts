/**
 * The harness of issue 19's principle, driven by SQL: build features on a
 * database D, pull it, and require that the pulled config rebuilds D exactly
 * on an empty E. Every feature goes into one D per backend (their objects
 * have distinct names), so the test costs one pull, one generate and one
 * apply, and a difference names the object it is in.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { loadConfig } from "../../src/config/load.ts";
import type { Database } from "../../src/dialect/database.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { pullDatabase, type Pulled } from "../../src/pull/pull.ts";
import { type BackendName, BACKENDS } from "./backends.ts";
import { catalogSnapshot, snapshotDiff } from "./catalog_snapshot.ts";
import { databaseBlock } from "./cli.ts";
import { dumpDiff, pgDump } from "./pg_dump.ts";
import { generateAndApply, plan } from "./pipeline.ts";
import { type Scratch, withScratch } from "./scratch.ts";

export interface Feature {
  /** Names the feature in failures and in the coverage of `catalog_attributes.ts`. */
  readonly name: string;
  /** SQL that builds the feature on D; its objects' names are used by no other feature. */
  readonly sql: string;
  /**
   * What a backend may lack (an extension, lz4), as SQL run first; where it
   * fails the feature is left out on that backend, and a test named after it
   * and the reason is reported as ignored. Everything else runs on both.
   */
  readonly requires?: string;
}

export const SCHEMAS = ["public"];

export async function runScript(database: Database, script: string): Promise<void> {
  for (const statement of script.split(/;(?:\s+|$)/).map((s) => s.trim()).filter(Boolean)) {
    await sql.raw(statement).execute(database.db);
  }
}

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** For each backend, the features whose `requires` fails there, with PostgreSQL's reason. */
export async function unsupportedOn(
  features: readonly Pick<Feature, "name" | "requires">[],
): Promise<Record<BackendName, Map<string, string>>> {
  const out = { postgres: new Map<string, string>(), pglite: new Map<string, string>() };
  const probed = features.filter((f) => f.requires);
  for (const backend of probed.length > 0 ? BACKENDS : []) {
    await withScratch(backend, async (scratch) => {
      const database = await scratch.open();
      try {
        for (const feature of probed) {
          const reason = await runScript(database, feature.requires!).then(() => undefined, message);
          if (reason) out[backend].set(feature.name, reason);
        }
      } finally {
        await database.close();
      }
    });
  }
  return out;
}

/**
 * One test per backend running `fn` on the features that backend supports,
 * and one ignored test per feature it does not, so a gap is in the report.
 */
export async function batchTests<F extends Pick<Feature, "name" | "requires">>(
  prefix: string,
  features: readonly F[],
  fn: (backend: BackendName, features: readonly F[]) => Promise<void>,
): Promise<void> {
  const missing = await unsupportedOn(features);
  for (const backend of BACKENDS) {
    const supported = features.filter((f) => !missing[backend].has(f.name));
    Deno.test({
      name: `${prefix}: ${supported.length} features [${backend}]`,
      sanitizeResources: false,
      sanitizeOps: false,
      fn: () => fn(backend, supported),
    });
    for (const [name, reason] of missing[backend]) {
      Deno.test({ name: `${prefix}: ${name} [${backend}] (not supported here: ${reason})`, ignore: true, fn() {} });
    }
  }
}

/**
 * Pull D into `dir`: `schema.ts` as pull writes it, and a `kyrage.config.ts`
 * passing every array the schema file exports (`tables`, `enums`, `types`,
 * `schemas`) to `defineConfig`, with a `database` block for the CLI.
 */
export async function pullInto(dir: string, database: Database, target?: Scratch): Promise<Pulled> {
  const pulled = await pullDatabase(database, SCHEMAS);
  await Deno.writeTextFile(`${dir}/schema.ts`, pulled.source);
  const arrays = [...pulled.source.matchAll(/^export const (\w+) = \[/gm)].map((m) => m[1]);
  await Deno.writeTextFile(
    `${dir}/kyrage.config.ts`,
    `import { defineConfig } from "kyrage";\nimport { ${arrays.join(", ")} } from "./schema.ts";\n` +
      `export default defineConfig({ ${target ? `database: ${databaseBlock(target)}, ` : ""}${arrays.join(", ")} });\n`,
  );
  return pulled;
}

/** Runs each check, keeps going after a failure, and throws every failure at the end. */
export class Checks {
  readonly failures: string[] = [];
  constructor(private readonly context: () => string) {}
  async run<T>(label: string, check: () => Promise<T>): Promise<T | undefined> {
    try {
      return await check();
    } catch (e) {
      this.failures.push(`${label}: ${message(e)}`);
      return undefined;
    }
  }
  done(): void {
    if (this.failures.length > 0) throw new Error(`${this.failures.join("\n\n")}\n\n${this.context()}`);
  }
}

export const expectEmpty = (label: string, lines: readonly string[]) => {
  if (lines.length > 0) throw new Error(`${label}:\n  ${lines.join("\n  ")}`);
};

/**
 * Round trip: build every feature on D, pull D, generate + apply the pull on
 * an empty E, then require nothing listed as not pulled, equal catalogs (and
 * equal pg_dump --schema-only on the server), and an empty plan of the
 * pulled config against D.
 */
export function roundTrip(backend: BackendName, features: readonly Feature[]): Promise<void> {
  return withScratch(backend, (d) => withScratch(backend, (e) => roundTripOn(d, e, features)));
}

async function roundTripOn(d: Scratch, e: Scratch, features: readonly Feature[]): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kyrage-complete-" });
  const source = await d.open();
  const empty = await e.open();
  let pulled: Pulled | undefined;
  const checks = new Checks(() => `pulled schema.ts:\n${pulled?.source ?? "(none)"}`);
  try {
    for (const feature of features) {
      try {
        if (feature.requires) { for (const db of [source, empty]) await runScript(db, feature.requires); }
        await runScript(source, feature.sql);
      } catch (error) {
        throw new Error(`building feature "${feature.name}": ${message(error)}`);
      }
    }
    pulled = await pullInto(dir, source);
    if (pulled.unsupported.length > 0) {
      checks.failures.push(`pull lists as not pulled: ${pulled.unsupported.join("; ")}`);
    }
    const config = await checks.run("loading the pulled config", () => loadConfig(`${dir}/kyrage.config.ts`));
    if (config) {
      const applied = await checks.run(
        "generate + apply of the pull on an empty database",
        () => generateAndApply(empty, config),
      );
      if (applied) {
        await checks.run(
          "catalogs of D and E",
          async () =>
            expectEmpty("differences", snapshotDiff(await catalogSnapshot(source), await catalogSnapshot(empty))),
        );
        if (d.databaseUrl && e.databaseUrl) {
          await checks.run("pg_dump --schema-only of D and E", async () => {
            await sql`drop table ${sql.table(HISTORY_QUALIFIED)}`.execute(empty.db); // kyrage's own bookkeeping
            expectEmpty("differences", dumpDiff(await pgDump(d.databaseUrl!), await pgDump(e.databaseUrl!)));
          });
        }
      }
      await checks.run(
        "plan of the pulled config against D",
        async () => assert.deepEqual(await plan(source, config), [], "the plan is empty"),
      );
    }
  } finally {
    await source.close();
    await empty.close();
    await Deno.remove(dir, { recursive: true });
  }
  checks.done();
}

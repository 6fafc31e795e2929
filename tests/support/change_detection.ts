/**
 * Change detection, issue 19's second test: build every change's objects on
 * one database D, pull it, then change one attribute at a time with SQL and
 * require kyrage to say so: a non-empty plan (what `plan --exit-code` exits 2
 * on; the real CLI is run on the first change), or a refusal naming it, or
 * the NOT MANAGED list naming it. After each change D goes back to its state
 * at the pull (generate + apply of the pulled config, or the change's undo),
 * checked on the catalogs, so the next change starts from an empty plan.
 */
import { sql } from "kysely";
import { loadConfig, type LoadedConfig } from "../../src/config/load.ts";
import type { Database } from "../../src/dialect/database.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { renderSql, unmanagedObjects } from "../../src/plan.ts";
import type { BackendName } from "./backends.ts";
import { catalogSnapshot, type Snapshot, snapshotDiff } from "./catalog_snapshot.ts";
import { runCli } from "./cli.ts";
import { generateAndApply, plan } from "./pipeline.ts";
import { Checks, expectEmpty, message, pullInto, runScript } from "./round_trip.ts";
import { emptyDatabase, type Scratch, withScratch } from "./scratch.ts";

/** What kyrage must say about a change, when not a plan that generate + apply carries out. */
export type Outcome =
  /** The plan has operations (matching `sql`, when given), but generate refuses them, saying `message`. */
  | { readonly kind: "restore refused"; readonly message: RegExp; readonly undo: string }
  /** Planning refuses out loud, saying `message`. */
  | { readonly kind: "refused"; readonly message: RegExp; readonly undo: string }
  /** Not modeled: the NOT MANAGED list (plan, status, pull) has an entry matching `listed`. */
  | { readonly kind: "unmanaged"; readonly listed: RegExp; readonly undo: string }
  /** The database now satisfies the config more strictly than it asks (`why`): the plan must stay empty. */
  | { readonly kind: "satisfied"; readonly why: string; readonly undo: string };

export interface Change {
  /** Names the attribute, in failures and in the coverage of `catalog_attributes.ts`. */
  readonly name: string;
  /** SQL building this change's own objects on D before the pull (names no other change uses). */
  readonly setup?: string;
  /** SQL changing exactly one attribute on D after the pull. */
  readonly change: string;
  /** The planned SQL must match (e.g. an ALTER, not a rebuild). */
  readonly sql?: RegExp;
  readonly expect?: Outcome;
  /** What a backend may lack, as in `Feature`. */
  readonly requires?: string;
}

/** Run every change on `backend`; `knownGaps` names the ones expected to fail, with why. */
export function changeDetection(
  backend: BackendName,
  base: string,
  changes: readonly Change[],
  knownGaps: ReadonlyMap<string, string>,
): Promise<void> {
  return withScratch(backend, (d) => changeDetectionOn(d, base, changes, knownGaps));
}

async function changeDetectionOn(
  d: Scratch,
  base: string,
  changes: readonly Change[],
  knownGaps: ReadonlyMap<string, string>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kyrage-change-" });
  let database = await d.open();
  let source = "";
  const build = async () => {
    await runScript(database, base);
    for (const c of changes) {
      if (c.requires) await runScript(database, c.requires);
      if (c.setup) {
        await runScript(database, c.setup).catch((e) => Promise.reject(new Error(`${c.name}: ${message(e)}`)));
      }
    }
  };
  const checks = new Checks(() => `pulled schema.ts:\n${source}`);
  try {
    await build();
    const pulled = await pullInto(dir, database, d);
    source = pulled.source;
    const config = await loadConfig(`${dir}/kyrage.config.ts`);
    expectEmpty("pull lists as not pulled", pulled.unsupported);
    expectEmpty("the plan of the pull against D", renderSql(await plan(database, config)));
    const before = await catalogSnapshot(database);
    for (const [i, change] of changes.entries()) {
      const failures = await oneChange(database, config, before, change, dir, i === 0 ? d : undefined);
      if (i === 0) database = await d.open(); // the CLI needed D to itself
      const gap = knownGaps.get(change.name);
      if (gap === undefined) checks.failures.push(...failures.map((f) => `${change.name}: ${f}`));
      else if (failures.length === 0) checks.failures.push(`${change.name}: passes now; remove it from KNOWN_GAPS`);
      if (failures.length > 0) {
        await emptyDatabase(database);
        await build();
        expectEmpty("D rebuilt", snapshotDiff(before, await catalogSnapshot(database), ["at pull", "rebuilt"]));
      }
    }
  } finally {
    await database.close();
    await Deno.remove(dir, { recursive: true });
  }
  checks.done();
}

/**
 * One change: what kyrage says about it, then D restored; the failures, or
 * []. With `cli`, D is closed and `kyrage plan --exit-code` run on it too.
 */
async function oneChange(
  database: Database,
  config: LoadedConfig,
  before: Snapshot,
  change: Change,
  dir: string,
  cli?: Scratch,
): Promise<string[]> {
  const checks = new Checks(() => "");
  const expect = change.expect;
  await checks.run("the change itself", () => runScript(database, change.change));
  if (checks.failures.length > 0) return checks.failures;
  if (!expect || expect.kind === "restore refused") {
    await checks.run("plan after the change", async () => {
      const statements = renderSql(await plan(database, config)).join("\n");
      if (!statements) throw new Error("the plan is empty: the change went unseen");
      if (change.sql && !change.sql.test(statements)) {
        throw new Error(`the plan does not match ${change.sql}:\n${statements}`);
      }
    });
  } else if (expect.kind === "refused") {
    await checks.run("planning refused", async () => {
      const error = await plan(database, config).then(() => undefined, message);
      if (!error || !expect.message.test(error)) {
        throw new Error(`expected a refusal matching ${expect.message}, got ${error ?? "a plan"}`);
      }
    });
  } else if (expect.kind === "satisfied") {
    await checks.run(
      `plan stays empty (${expect.why})`,
      async () => expectEmpty("planned", renderSql(await plan(database, config))),
    );
  } else {
    await checks.run("NOT MANAGED list", async () => {
      const listed = await unmanagedObjects(database, config.desired);
      if (!listed.some((l) => expect.listed.test(l))) {
        throw new Error(`nothing matches ${expect.listed} in [${listed.join("; ")}]`);
      }
    });
  }
  if (cli) {
    await database.close();
    await checks.run("kyrage plan --exit-code", async () => {
      const result = await runCli(["plan", "--exit-code"], { cwd: dir });
      const code = !expect || expect.kind === "restore refused" ? 2 : expect.kind === "refused" ? 1 : 0; // 0: NOT MANAGED
      if (result.code !== code) {
        throw new Error(`exited ${result.code}, not ${code}:\n${result.stdout}${result.stderr}`);
      }
    });
    database = await cli.open();
  }
  // Restore D as it was at the pull: kyrage's migration where it can, the undo SQL otherwise.
  await Deno.remove(`${dir}/migrations`, { recursive: true }).catch(() => {});
  await sql`drop table if exists ${sql.table(HISTORY_QUALIFIED)}`.execute(database.db);
  if (!expect) {
    await checks.run("generate + apply of the pulled config", () => generateAndApply(database, config));
  } else {
    if (expect.kind === "restore refused") {
      await checks.run("generate refused", async () => {
        const error = await generateAndApply(database, config).then(() => undefined, message);
        if (!error || !expect.message.test(error)) {
          throw new Error(`expected a refusal matching ${expect.message}, got ${error ?? "a migration"}`);
        }
      });
    }
    await checks.run("the undo SQL", () => runScript(database, expect.undo));
  }
  await checks.run(
    "D's catalogs as at the pull",
    async () => expectEmpty("differences", snapshotDiff(before, await catalogSnapshot(database), ["at pull", "after"])),
  );
  if (cli) await database.close();
  return checks.failures;
}

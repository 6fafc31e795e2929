/**
 * Issue 19's invariant, from the catalogs' side: every column of the
 * catalogs describing what kyrage manages is classified in
 * `catalog_attributes.ts` (so a newer PostgreSQL's new attribute fails here
 * until someone decides), every modeled one is covered by a round-trip or
 * change case, and every probe that gives an attribute kyrage does not model
 * a non-default value makes the NOT MANAGED list (plan, status, pull) name
 * the object.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { unsupportedObjects } from "../../src/pull/unsupported.ts";
import { backendTest } from "../support/backends.ts";
import { CATALOG_ATTRIBUTES, type CatalogName, type Probe } from "../support/catalog_attributes.ts";
import { message } from "../support/round_trip.ts";
import { CHANGES } from "../support/table_changes.ts";
import { ROUND_TRIPS } from "../support/table_features.ts";

const CATALOGS = Object.keys(CATALOG_ATTRIBUTES) as CatalogName[];

/** Rolled back at the end of each probe, so every probe starts from the empty database. */
class Rollback extends Error {}

backendTest("every attribute of the table catalogs is modeled, derived or reported as not managed", async (target) => {
  const database = await target.open();
  try {
    const version = Number(
      (await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(database.db)).rows[0].v,
    );
    const columns = await sql<{ catalog: string; column: string }>`
      select c.relname as catalog, a.attname as column from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace = 'pg_catalog'::regnamespace and c.relname = any(${CATALOGS}::text[])
        and a.attnum > 0 and not a.attisdropped`.execute(database.db);
    const unclassified = columns.rows.filter((r) => !(r.column in CATALOG_ATTRIBUTES[r.catalog as CatalogName]));
    assert.deepEqual(
      unclassified.map((r) => `${r.catalog}.${r.column}`),
      [],
      "classify each in tests/support/catalog_attributes.ts: modeled (with the case covering it), derived or unmanaged",
    );

    const cases = new Set([...ROUND_TRIPS, ...CHANGES].map((c) => c.name));
    const uncovered = CATALOGS.flatMap((catalog) =>
      Object.entries(CATALOG_ATTRIBUTES[catalog]).flatMap(([name, a]) =>
        a.status === "modeled"
          ? a.covered.filter((c) => !cases.has(c) && !existsSync(c)).map((c) => `${catalog}.${name}: ${c}`)
          : []
      )
    );
    assert.deepEqual(
      uncovered,
      [],
      "each modeled attribute names round-trip or change cases (or test files) that exist",
    );

    const probes = CATALOGS.flatMap((catalog) =>
      Object.entries(CATALOG_ATTRIBUTES[catalog]).flatMap(([name, a]) =>
        "probes" in a && a.probes ? a.probes.map((p) => ({ attribute: `${catalog}.${name}`, ...p })) : []
      )
    ).filter((p) => (p.since ?? 0) * 10000 <= version);
    const unreported: string[] = [];
    for (const probe of probes) {
      const outcome = await runProbe(database.db, probe);
      if (outcome) unreported.push(`${probe.attribute} (${probe.name}): ${outcome}`);
    }
    assert.deepEqual(unreported, [], "each probe's object is named in the NOT MANAGED list");
  } finally {
    await database.close();
  }
});

/** Run the probe in a transaction rolled back after; what went wrong, or undefined when it is reported. */
// deno-lint-ignore no-explicit-any
async function runProbe(db: import("kysely").Kysely<any>, probe: Probe): Promise<string | undefined> {
  let outcome: string | undefined;
  await db.transaction().execute(async (trx) => {
    try {
      for (const statement of probe.sql.split(/;\s*/).filter(Boolean)) await sql.raw(statement).execute(trx);
    } catch (error) {
      outcome = `the probe's SQL failed: ${message(error)}`;
      throw new Rollback();
    }
    const listed = await unsupportedObjects(trx, ["public"]);
    const object = new RegExp(`${probe.reported.replaceAll(".", "\\.")}(?![\\w$])`);
    if (!listed.some((l) => object.test(l))) outcome = `${probe.reported} not in [${listed.join("; ")}]`;
    throw new Rollback();
  }).catch((error) => {
    if (!(error instanceof Rollback)) throw error;
  });
  return outcome;
}

function existsSync(path: string): boolean {
  try {
    Deno.statSync(new URL(`../../${path}`, import.meta.url));
    return true;
  } catch {
    return false;
  }
}

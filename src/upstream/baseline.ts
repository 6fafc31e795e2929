/**
 * What upstream started from, which its files never describe: the tables
 * its first files change but never create (a project adopted onto an
 * existing database) and the extensions (upstream cannot create one, so
 * they were installed by hand). `import-upstream` records them, as the live
 * database holds them, in a baseline migration one millisecond before
 * upstream's first file, with the enums, composites, ranges and domains
 * their columns use: replays (dev database, `check`, drift in `status`)
 * then start where upstream started.
 */
import type { Kysely } from "kysely";
import { introspect } from "../dialect/postgres/introspect.ts";
import { diffSchemas } from "../diff/diff.ts";
import { KyrageError } from "../errors.ts";
import { FORMAT_VERSION, type MigrationFile } from "../migrations/file.ts";
import { HISTORY_TABLES } from "../migrations/history.ts";
import type { DbObject } from "../model/objects.ts";
import { EMPTY_MODEL } from "../model/schema_model.ts";
import type { Table } from "../model/types.ts";
import { foundTables } from "./convert.ts";
import type { UpstreamFile } from "./files.ts";
import { kyrageIdOf } from "./format.ts";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

/** The instant just before upstream's first file (its id, epoch milliseconds). */
function baselineInstant(firstUpstreamId: string): Date {
  return new Date(Number(firstUpstreamId) - 1);
}

/** The baseline's kyrage id: sorted before every imported file. */
export function baselineIdOf(firstUpstreamId: string): string {
  return kyrageIdOf(String(Number(firstUpstreamId) - 1));
}

/**
 * The baseline from the live database `db`: the tables upstream found as
 * they are now (the applied files' changes to them included, which is why
 * their imports leave those changes out), the user types they use, and every
 * extension. Undefined when there is nothing upstream did not make.
 */
export async function takeBaseline(
  db: Db,
  files: readonly UpstreamFile[],
  applied: ReadonlySet<string>,
  options: { readonly firstUpstreamId: string; readonly extensions: readonly string[]; readonly label: string },
): Promise<MigrationFile | undefined> {
  const wanted = foundTables(files, applied);
  const live = await introspect(db, {
    schemas: ["public"],
    excludeTables: HISTORY_TABLES,
    extensions: options.extensions,
  });
  const extensions = live.objects.filter((o) => o.kind === "extension")
    // Any version will do on a replay (PGlite ships its own).
    .map(({ version: _version, ...extension }): DbObject => extension);
  if (wanted.length === 0 && extensions.length === 0) return undefined;
  const publicTables = new Map(live.tables.filter((t) => t.schema === "public").map((t) => [t.name, t]));
  const found = new Set(wanted);
  const tables = wanted.map((name) => {
    const table = publicTables.get(name);
    if (!table) throw missingTable(files, name, options.label);
    refuseOutsideReference(files, table, found);
    return table;
  });
  const types = usedTypes(tables, live.objects);
  const uses = (type: { schema: string; name: string }) => [...types].some((t) => usesType(t, type));
  const operations = diffSchemas(EMPTY_MODEL, {
    ...EMPTY_MODEL,
    // An extension installed in a schema of its own needs that schema first.
    schemas: [...new Set([...EMPTY_MODEL.schemas, ...extensions.map((e) => e.schema)])],
    enums: live.enums.filter(uses),
    composites: live.composites.filter(uses),
    ranges: live.ranges.filter(uses),
    tables,
    objects: [...extensions, ...live.objects.filter((o) => o.kind === "domain" && uses(o))],
  });
  return {
    format: FORMAT_VERSION,
    id: baselineIdOf(options.firstUpstreamId),
    createdAt: baselineInstant(options.firstUpstreamId).toISOString(),
    allowDestructive: false,
    operations,
  };
}

/** The types the tables' columns name, with the base types of the domains among them, and theirs. */
function usedTypes(tables: readonly Table[], objects: readonly DbObject[]): Set<string> {
  const types = new Set(tables.flatMap((t) => t.columns.map((c) => c.type)));
  for (let grew = true; grew;) {
    grew = false;
    for (const o of objects) {
      if (o.kind !== "domain" || types.has(o.type) || ![...types].some((t) => usesType(t, o))) continue;
      types.add(o.type);
      grew = true;
    }
  }
  return types;
}

/** A column type naming a user type, bare or qualified, quoted or not, as an array or not. */
function usesType(columnType: string, type: { schema: string; name: string }): boolean {
  const bare = columnType.replaceAll('"', "").replace(/(\[\])+$/, "");
  return bare === type.name || bare === `${type.schema}.${type.name}`;
}

/** The first file touching `table`, to name it in a refusal. */
function firstTouching(files: readonly UpstreamFile[], table: string): UpstreamFile {
  return [...files].sort((a, b) => Number(a.migration.id) - Number(b.migration.id))
    .find((f) => f.migration.diff.operations.some((op) => op.type !== "create_table" && op.table === table))!;
}

function missingTable(files: readonly UpstreamFile[], table: string, label: string): KyrageError {
  const file = firstTouching(files, table);
  return new KyrageError(
    `${file.path} (upstream migration ${file.migration.id}) changes table "${table}", which no earlier upstream ` +
      `migration creates, and ${label} lacks it, so kyrage cannot tell what it held before upstream. Run ` +
      "`kyrage import-upstream` on a database upstream migrated (it records the tables upstream found there), or " +
      "move upstream's files out of the migrations directory and adopt the database as it is with " +
      "`kyrage pull --baseline`. Nothing was imported.",
  );
}

/** A found table referencing one upstream created: the baseline, before upstream's files, cannot hold it. */
function refuseOutsideReference(files: readonly UpstreamFile[], table: Table, found: ReadonlySet<string>): void {
  const fk = table.foreignKeys.find((f) => f.refSchema !== "public" || !found.has(f.refTable));
  if (!fk) return;
  const file = firstTouching(files, table.name);
  throw new KyrageError(
    `${file.path} (upstream migration ${file.migration.id}) changes table "${table.name}", which no earlier ` +
      `upstream migration creates; kyrage records such a table as upstream found it, before upstream's files, but ` +
      `its foreign key "${fk.name}" references ${fk.refSchema}.${fk.refTable}, which upstream did not find there. ` +
      "Move upstream's files out of the migrations directory and adopt the database as it is with " +
      "`kyrage pull --baseline`. Nothing was imported.",
  );
}

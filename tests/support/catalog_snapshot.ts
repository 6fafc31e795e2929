/**
 * A database's schema as the catalogs hold it, independent of kyrage's
 * introspection: every row of the classified catalogs for the objects in the
 * given schemas, each column that is not derived (oids rendered as names,
 * see `catalog_attributes.ts`). Two databases built the same way give equal
 * snapshots; on PGlite, where there is no pg_dump, this is the line-by-line
 * comparison. kyrage's own history table is left out.
 */
import { sql } from "kysely";
import type { Database } from "../../src/dialect/database.ts";
import { CATALOG_ATTRIBUTES, type CatalogName } from "./catalog_attributes.ts";

const RELATIONS = `(select c.oid from pg_class c
  where c.relnamespace::regnamespace::text = any($1) and c.relname !~ '^kyrage_migrations')`;
const TYPES = `(select t.oid from pg_type t
  where t.typnamespace::regnamespace::text = any($1) and t.typname !~ '^_?kyrage_migrations')`;

/** Which rows of each catalog belong to the schemas, and the key that names a row. */
const ROWS: Record<CatalogName, { key: string; where: string }> = {
  pg_class: { key: "x.oid::regclass::text", where: `x.oid in ${RELATIONS}` },
  pg_attribute: {
    key: "x.attrelid::regclass::text || '.' || x.attname",
    where: `x.attrelid in ${RELATIONS} and x.attnum > 0 and not x.attisdropped`,
  },
  pg_index: { key: "x.indexrelid::regclass::text", where: `x.indexrelid in ${RELATIONS}` },
  pg_constraint: {
    key: "coalesce(nullif(x.conrelid, 0)::regclass::text, x.contypid::regtype::text) || '.' || x.conname",
    where: `(x.conrelid in ${RELATIONS} or x.contypid in ${TYPES})`,
  },
  pg_sequence: { key: "x.seqrelid::regclass::text", where: `x.seqrelid in ${RELATIONS}` },
  pg_type: { key: "x.oid::regtype::text", where: `x.oid in ${TYPES}` },
  pg_range: { key: "x.rngtypid::regtype::text", where: `x.rngtypid in ${TYPES}` },
  pg_partitioned_table: { key: "x.partrelid::regclass::text", where: `x.partrelid in ${RELATIONS}` },
  pg_description: {
    key: "pg_describe_object(x.classoid, x.objoid, x.objsubid)",
    where: `(x.classoid = 'pg_class'::regclass and x.objoid in ${RELATIONS})
      or (x.classoid = 'pg_type'::regclass and x.objoid in ${TYPES})
      or (x.classoid = 'pg_constraint'::regclass and x.objoid in
        (select k.oid from pg_constraint k where k.conrelid in ${RELATIONS} or k.contypid in ${TYPES}))`,
  },
  pg_inherits: {
    key: "x.inhrelid::regclass::text || ' < ' || x.inhparent::regclass::text",
    where: `x.inhrelid in ${RELATIONS}`,
  },
};

/** `catalog key` → the row's compared columns, as JSON text. */
export type Snapshot = Map<string, Record<string, unknown>>;

function catalogQuery(catalog: CatalogName): string {
  const attributes = Object.entries(CATALOG_ATTRIBUTES[catalog]);
  const dropped = attributes.filter(([, a]) => a.status === "derived" || ("render" in a && a.render))
    .map(([name]) => `'${name}'`);
  const rendered = attributes.flatMap(([name, a]) =>
    a.status !== "derived" && "render" in a && a.render ? [`'${name}', ${a.render}`] : []
  );
  const { key, where } = ROWS[catalog];
  // Columns this file does not know stay in: an unclassified attribute is compared, never ignored.
  return `select ${key} as key,
    (to_jsonb(x) - array[${dropped.join(", ")}]::text[]) || jsonb_build_object(${rendered.join(", ")}) as row
    from ${catalog} x where ${where}`;
}

export async function catalogSnapshot(database: Database, schemas: readonly string[] = ["public"]): Promise<Snapshot> {
  const list = `array[${schemas.map((s) => `'${s.replaceAll("'", "''")}'`).join(", ")}]::text[]`;
  const snapshot: Snapshot = new Map();
  for (const catalog of Object.keys(ROWS) as CatalogName[]) {
    const query = catalogQuery(catalog).replaceAll("$1", list);
    const result = await sql.raw<{ key: string; row: Record<string, unknown> }>(query).execute(database.db);
    for (const r of result.rows) snapshot.set(`${catalog} ${r.key}`, r.row);
  }
  return snapshot;
}

/** The differences between two snapshots, one line each, or [] when equal. */
export function snapshotDiff(expected: Snapshot, actual: Snapshot, names = ["D", "E"]): string[] {
  const lines: string[] = [];
  for (const key of [...new Set([...expected.keys(), ...actual.keys()])].sort()) {
    const a = expected.get(key);
    const b = actual.get(key);
    if (!a || !b) {
      lines.push(`${key}: only in ${a ? names[0] : names[1]}`);
      continue;
    }
    for (const field of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const x = JSON.stringify(a[field]);
      const y = JSON.stringify(b[field]);
      if (x !== y) lines.push(`${key}.${field}: ${names[0]} ${x}, ${names[1]} ${y}`);
    }
  }
  return lines;
}

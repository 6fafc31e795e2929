/**
 * PostgreSQL's contrib extensions as PGlite ships them: each is a bundle
 * (in the npm package, so available offline) that must be loaded when PGlite
 * starts for CREATE EXTENSION, and the extension's objects, to work. Loaded
 * only when wanted: each costs start-up time.
 */
import type { Extension } from "@electric-sql/pglite";

type Loader = () => Promise<Extension>;

// Static imports, one per bundle, so that `deno compile` includes them.
const CONTRIB: Record<string, Loader> = {
  amcheck: async () => (await import("@electric-sql/pglite/contrib/amcheck")).amcheck,
  bloom: async () => (await import("@electric-sql/pglite/contrib/bloom")).bloom,
  btree_gin: async () => (await import("@electric-sql/pglite/contrib/btree_gin")).btree_gin,
  btree_gist: async () => (await import("@electric-sql/pglite/contrib/btree_gist")).btree_gist,
  citext: async () => (await import("@electric-sql/pglite/contrib/citext")).citext,
  cube: async () => (await import("@electric-sql/pglite/contrib/cube")).cube,
  dict_int: async () => (await import("@electric-sql/pglite/contrib/dict_int")).dict_int,
  dict_xsyn: async () => (await import("@electric-sql/pglite/contrib/dict_xsyn")).dict_xsyn,
  earthdistance: async () => (await import("@electric-sql/pglite/contrib/earthdistance")).earthdistance,
  file_fdw: async () => (await import("@electric-sql/pglite/contrib/file_fdw")).file_fdw,
  fuzzystrmatch: async () => (await import("@electric-sql/pglite/contrib/fuzzystrmatch")).fuzzystrmatch,
  hstore: async () => (await import("@electric-sql/pglite/contrib/hstore")).hstore,
  intarray: async () => (await import("@electric-sql/pglite/contrib/intarray")).intarray,
  isn: async () => (await import("@electric-sql/pglite/contrib/isn")).isn,
  lo: async () => (await import("@electric-sql/pglite/contrib/lo")).lo,
  ltree: async () => (await import("@electric-sql/pglite/contrib/ltree")).ltree,
  moddatetime: async () => (await import("@electric-sql/pglite/contrib/moddatetime")).moddatetime,
  pageinspect: async () => (await import("@electric-sql/pglite/contrib/pageinspect")).pageinspect,
  pg_buffercache: async () => (await import("@electric-sql/pglite/contrib/pg_buffercache")).pg_buffercache,
  pg_freespacemap: async () => (await import("@electric-sql/pglite/contrib/pg_freespacemap")).pg_freespacemap,
  pg_surgery: async () => (await import("@electric-sql/pglite/contrib/pg_surgery")).pg_surgery,
  pg_trgm: async () => (await import("@electric-sql/pglite/contrib/pg_trgm")).pg_trgm,
  pg_visibility: async () => (await import("@electric-sql/pglite/contrib/pg_visibility")).pg_visibility,
  pg_walinspect: async () => (await import("@electric-sql/pglite/contrib/pg_walinspect")).pg_walinspect,
  pgcrypto: async () => (await import("@electric-sql/pglite/contrib/pgcrypto")).pgcrypto,
  seg: async () => (await import("@electric-sql/pglite/contrib/seg")).seg,
  tablefunc: async () => (await import("@electric-sql/pglite/contrib/tablefunc")).tablefunc,
  tcn: async () => (await import("@electric-sql/pglite/contrib/tcn")).tcn,
  tsm_system_rows: async () => (await import("@electric-sql/pglite/contrib/tsm_system_rows")).tsm_system_rows,
  tsm_system_time: async () => (await import("@electric-sql/pglite/contrib/tsm_system_time")).tsm_system_time,
  unaccent: async () => (await import("@electric-sql/pglite/contrib/unaccent")).unaccent,
  "uuid-ossp": async () => (await import("@electric-sql/pglite/contrib/uuid_ossp")).uuid_ossp,
};

/** Whether PGlite can load the extension `name`. */
export const shipsExtension = (name: string): boolean => Object.hasOwn(CONTRIB, name);

/** PGlite's `extensions` option for the names it ships (others are left to fail with PostgreSQL's own message). */
export async function contribExtensions(names: Iterable<string>): Promise<Record<string, Extension>> {
  const wanted = [...new Set(names)].filter(shipsExtension).sort();
  return Object.fromEntries(await Promise.all(wanted.map(async (name) => [name, await CONTRIB[name]()] as const)));
}

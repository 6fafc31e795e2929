/**
 * How every PGlite of kyrage starts: PGlite's own start parameters, with
 * 16 MB of shared buffers instead of PostgreSQL's 128 MB, which PGlite holds
 * resident from the start (over 100 MB of a command's peak RSS). Plenty for a
 * development database; the data directory's own files are not changed.
 */
import { type Extensions, PGlite, type PGliteOptions } from "@electric-sql/pglite";

export function pgliteOptions(extensions: Extensions = {}): PGliteOptions {
  return { extensions, startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"] };
}

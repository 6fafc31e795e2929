/** Defaults the CLI shows in `--help`, kept apart so help loads nothing else. */
export const DEFAULT_CONFIG = "kyrage.config.ts";
export const DEFAULT_PGLITE_DIR = ".kyrage/pglite";

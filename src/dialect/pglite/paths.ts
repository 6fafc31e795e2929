/** PGlite's data directory value for a throwaway in-memory database. */
export const MEMORY_DIR = "memory://";

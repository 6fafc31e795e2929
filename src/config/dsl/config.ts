/** The config file's default export: `defineConfig({ ... })`. */
import type { TableDefinition } from "./table.ts";
import type { EnumDefinition, UserTypeDefinition } from "./types.ts";

export type DatabaseConfig =
  | {
    dialect: "postgres";
    /** Falls back to `--database-url`, then `DATABASE_URL`. */
    connectionString?: string;
  }
  | {
    dialect: "pglite";
    /** A directory (relative to the config file) or `"memory://"`. */
    dataDir?: string;
  };

export interface Config {
  /** Omit to use the embedded PGlite database in `.kyrage/pglite`. */
  database?: DatabaseConfig;
  /** Where migration files live, relative to the config file. */
  migrationsDir?: string;
  tables: TableDefinition[];
  /** Enum types; enums used as column types are included automatically. */
  enums?: EnumDefinition[];
  /**
   * Composite and range types (enums too, if you like); types used by
   * columns or by other types are included automatically.
   */
  types?: UserTypeDefinition[];
}

/** Identity function that gives a config file its types. */
export function defineConfig(config: Config): Config {
  return config;
}

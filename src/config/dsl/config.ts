/** The config file's default export: `defineConfig({ ... })`. */
import type { DomainDefinition } from "./domain.ts";
import type { PolicyDefinition } from "./policy.ts";
import type { TableDefinition } from "./table.ts";
import type { MaterializedViewDefinition, ViewDefinition } from "./view.ts";
import type { ExtensionDefinition } from "./extension.ts";
import type { SequenceDefinition } from "./sequence.ts";
import type { EnumDefinition, UserTypeDefinition } from "./types.ts";
import type { FunctionDefinition, ProcedureDefinition } from "./function.ts";
import type { TriggerDefinition } from "./trigger.ts";

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
  /**
   * Plan changes to existing tables as online DDL (default true): indexes
   * built concurrently, constraints added NOT VALID and validated after,
   * SET NOT NULL through a validated check. `false` (or `--no-online`) gives
   * plain DDL, e.g. for a maintenance window.
   */
  online?: boolean;
  /**
   * Default names of unnamed constraints and indexes: PostgreSQL's own
   * (`"postgres"`, the default: `users_pkey`, `users_email_key`, ...), or
   * those of @izumisy/kyrage (`"kyrage-v1"`: `users_id_primary_key`,
   * `users_email_unique`, `pk_`, `uq_`, `idx_`, `fk_` + table and columns),
   * for a database that tool built.
   */
  naming?: "postgres" | "kyrage-v1";
  tables: TableDefinition[];
  /** Enum types; enums used as column types are included automatically. */
  enums?: EnumDefinition[];
  /**
   * The schemas kyrage owns: objects in them that the config does not declare
   * are dropped (through the destructive gate), a missing one is created, and
   * every other schema is left alone. Default: `public` and the schemas the
   * config's tables and enums use.
   */
  schemas?: string[];
  /**
   * Composite and range types (enums too, if you like); types used by
   * columns or by other types are included automatically.
   */
  types?: UserTypeDefinition[];
  /** Views and materialized views, created after the tables they read. */
  views?: (ViewDefinition | MaterializedViewDefinition)[];
  /** Row-level security policies (`definePolicy`), created after their tables. */
  policies?: PolicyDefinition[];
  /** Domains; domains used as column types are included automatically. */
  domains?: DomainDefinition[];
  /** Extensions, created before everything else and dropped last; kyrage owns those in its schemas. */
  extensions?: ExtensionDefinition[];
  /** Sequences of their own (a column's serial or identity is a column option). */
  sequences?: SequenceDefinition[];
  /** Functions and procedures; overloads are separate entries. */
  functions?: (FunctionDefinition | ProcedureDefinition)[];
  /** Triggers, created after their tables and functions. */
  triggers?: TriggerDefinition[];
  /**
   * The dev database (`--dev`, `check`, drift): by default an embedded
   * in-memory PGlite; `connectionString` uses a PostgreSQL server instead
   * (for extensions PGlite lacks), in a scratch database kyrage creates and
   * drops each time, so the role needs CREATEDB.
   */
  dev?: { connectionString?: string };
  /**
   * Environment sections, as in @izumisy/kyrage: `$production: { database: ... }`
   * (or `$env: { production: ... }`) is merged over the rest when KYRAGE_ENV,
   * else NODE_ENV, is `production`. Objects merge, arrays concatenate.
   */
  [section: `$${string}`]: Partial<Config> | Record<string, Partial<Config>> | undefined;
}

/** Identity function that gives a config file its types. */
export function defineConfig(config: Config): Config {
  return config;
}

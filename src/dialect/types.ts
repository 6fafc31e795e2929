/**
 * An open database, whatever the driver: a Kysely instance plus a label that
 * is safe to print (never a password). Types only, so the drivers and
 * `database.ts` (which loads them) do not import each other.
 */
import type { Kysely } from "kysely";

export type DatabaseTarget =
  | {
    readonly dialect: "postgres";
    readonly connectionString: string;
    /** Where the string came from, for messages: `--database-url`, `DATABASE_URL`, the config file. */
    readonly origin?: string;
  }
  | {
    readonly dialect: "pglite";
    readonly dataDir: string;
    /** Extensions to load PGlite's bundles of (those the config declares); installed ones are loaded anyway. */
    readonly extensions?: readonly string[];
  };

export interface Database {
  // deno-lint-ignore no-explicit-any
  readonly db: Kysely<any>;
  /** e.g. `postgres://app@localhost:5432/app`, `host=db dbname=app` or `pglite:.kyrage/pglite`. */
  readonly label: string;
  readonly dialect: DatabaseTarget["dialect"];
  /** A dev database whose data outlives the command (a running `kyrage dev start`): `generate --dev` applies there. */
  readonly persistent?: boolean;
  close(): Promise<void>;
}

/** Waiting for an embedded database another process has open (apply's --lock-timeout), told once. */
export interface EmbeddedWait {
  readonly ms: number;
  readonly onWaiting: (message: string) => void;
}

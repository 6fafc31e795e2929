/**
 * A database owned by a role whose password the server really checks: the
 * role is in SCRAM_GROUP, which the throwaway cluster's pg_hba.conf sends to
 * scram-sha-256 (scripts/postgres_server.ts). An external server
 * (KYRAGE_TEST_DATABASE_URL) needs the same line above its trust lines:
 * `host all +kyrage_scram 127.0.0.1/32 scram-sha-256` (or its own address).
 */
import { sql } from "kysely";
import { SCRAM_GROUP } from "../../scripts/postgres_server.ts";
import { openDatabase } from "../../src/dialect/database.ts";
import { ident, literal } from "../../src/dialect/postgres/quote.ts";

export interface ScramDatabase {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** `postgres://user:<percent-encoded password>@host:port/database`. */
  url(password: string): string;
  /** `host=... port=... dbname=... user=... password='...'`, quoted as libpq wants. */
  libpq(password: string): string;
  dispose(): Promise<void>;
}

let counter = 0;

export async function createScramDatabase(password: string): Promise<ScramDatabase> {
  const admin = Deno.env.get("KYRAGE_TEST_DATABASE_URL");
  if (!admin) throw new Error("KYRAGE_TEST_DATABASE_URL is not set: run the suite with `deno task test`.");
  const { hostname: host, port } = new URL(admin);
  const name = `kyrage_scram_${Date.now().toString(36)}_${Deno.pid}_${counter++}`;
  const run = async (...statements: string[]) => {
    const db = await openDatabase({ dialect: "postgres", connectionString: admin });
    try {
      for (const statement of statements) await sql.raw(statement).execute(db.db);
    } finally {
      await db.close();
    }
  };
  await run(
    `do $$ begin create role ${ident(SCRAM_GROUP)} nologin; exception when duplicate_object then null; end $$`,
    `create role ${ident(name)} login password ${literal(password)} in role ${ident(SCRAM_GROUP)}`,
    `create database ${ident(name)} owner ${ident(name)}`,
  );
  const quote = (value: string) => `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  return {
    host,
    port: Number(port || 5432),
    user: name,
    database: name,
    url: (pw) => `postgres://${name}:${encodeURIComponent(pw)}@${host}:${port || 5432}/${name}`,
    libpq: (pw) => `host=${host} port=${port || 5432} dbname=${name} user=${name} password=${quote(pw)}`,
    dispose: () => run(`drop database if exists ${ident(name)} with (force)`, `drop role if exists ${ident(name)}`),
  };
}

/** Fails, saying why, when the server let a wrong password in: then no test here proves anything. */
export async function assertPasswordsChecked(db: ScramDatabase): Promise<void> {
  const wrong = await openDatabase({ dialect: "postgres", connectionString: db.url("certainly-not-the-password") })
    .then(async (opened) => {
      await opened.close();
      return true;
    }, () => false);
  if (wrong) {
    throw new Error(
      `The server at ${db.host}:${db.port} accepted a wrong password for ${db.user}: its pg_hba.conf must send ` +
        `members of ${SCRAM_GROUP} to scram-sha-256 (scripts/postgres_server.ts does this for the throwaway server).`,
    );
  }
}

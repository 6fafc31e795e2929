/**
 * A migration's statements as one simple-protocol script: one round trip
 * (psql -f makes one per statement). PostgreSQL runs them in order and stops
 * at the first that fails, but does not say which one that was, so the
 * script counts: before each statement it takes the next value of a
 * temporary sequence, and a sequence's values outlive the rollback. Nothing
 * runs twice to find the statement (a hand-written step may not be
 * repeatable, and a lock wait would be waited out again). A syntax error
 * stops the script before anything runs; its position says where it is.
 */
import { CompiledQuery, type Kysely } from "kysely";

// deno-lint-ignore no-explicit-any
type Db = Kysely<any>;

const COUNTER = `pg_temp."kyrage$steps"`;

export interface Step {
  /** What the error names: the statement, or a hand-written step as written. */
  readonly text: string;
  /** What is sent. */
  readonly send: string;
}

export interface Script {
  readonly sql: string;
  /** The step that made the script fail, with `error`; undefined when PostgreSQL's answer does not tell. */
  failedStep(error: unknown): Promise<Step | undefined>;
  /** Drops the counter; safe to call whatever happened. */
  close(): Promise<void>;
}

/** Prepare the counter (outside any transaction) and the script of `steps`. */
export async function stepScript(conn: Db, steps: readonly Step[]): Promise<Script> {
  const run = (statement: string) => conn.executeQuery<Record<string, unknown>>(CompiledQuery.raw(statement));
  // A session without the TEMPORARY privilege cannot count: its errors name no statement unless they have a position.
  const counted = await run(`CREATE TEMP SEQUENCE IF NOT EXISTS "kyrage$steps"; SELECT setval('${COUNTER}', 1, false)`)
    .then(() => true, () => false);
  // A line break before each `;` ends a trailing `--` comment.
  const parts = steps.map((step) => `${counted ? `SELECT nextval('${COUNTER}')\n;\n` : ""}${step.send}\n;`);
  const sql = parts.join("\n");
  return {
    sql,
    async failedStep(error) {
      const position = Number((error as { position?: unknown })?.position);
      if (Number.isInteger(position) && position > 0) return stepAt(steps, parts, position);
      if (!counted) return undefined;
      const read = await run(`SELECT last_value, is_called FROM ${COUNTER}`).catch(() => undefined);
      const row = read?.rows[0];
      const started = row?.is_called ? Number(row.last_value) : 0;
      return started > 0 ? steps[started - 1] : undefined;
    },
    async close() {
      if (counted) await run(`DROP SEQUENCE IF EXISTS ${COUNTER}`).catch(() => {});
    },
  };
}

/** The step whose text holds character `position` (1-based, as PostgreSQL counts) of the script. */
function stepAt(steps: readonly Step[], parts: readonly string[], position: number): Step | undefined {
  let end = 0;
  for (let i = 0; i < parts.length; i++) {
    end += [...parts[i]].length + 1;
    if (position <= end) return steps[i];
  }
  return undefined;
}

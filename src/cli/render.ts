/** Plan and summary text shared by plan, generate, apply --dry-run and watch. */
import { compileOperation, runsOutsideTransaction } from "../dialect/postgres/compile.ts";
import { describeOperation } from "../diff/describe.ts";
import { destructiveChanges } from "../diff/destructive.ts";
import { describePossibleRename, possibleRenames } from "../diff/hints.ts";
import type { Operation } from "../diff/operations.ts";

/**
 * A `--` comment line that stays one line whatever it quotes: a newline in a
 * name would end the comment and run the rest as SQL under `plan | psql`.
 */
export function sqlComment(text: string): string {
  return `-- ${text.replace(CONTROL, escapeControl)}`;
}

// deno-lint-ignore no-control-regex -- control characters are exactly what is escaped
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeControl(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** SQL with a comment line per operation; destructive ones are marked. */
export function renderPlan(ops: readonly Operation[]): string[] {
  const destructive = new Map(destructiveChanges(ops).map((d) => [d.operation, d.loses]));
  const lines: string[] = [];
  for (const op of ops) {
    lines.push(sqlComment(describeOperation(op)));
    const loses = destructive.get(op);
    if (loses) lines.push(sqlComment(`DESTRUCTIVE: loses ${loses}`));
    if (runsOutsideTransaction(op)) {
      lines.push(
        sqlComment("OUTSIDE A TRANSACTION: CONCURRENTLY cannot run in one; generated as a migration of its own"),
      );
    }
    for (const statement of compileOperation(op)) lines.push(`${statement};`);
  }
  for (const hint of possibleRenames(ops)) lines.push(sqlComment(`POSSIBLE RENAME: ${describePossibleRename(hint)}`));
  return lines;
}

/** The one line that keeps "No changes" from reading as "everything is in sync". */
export function notManaged(unmanaged: readonly string[]): string {
  return `NOT MANAGED (left as they are): ${unmanaged.join(", ")}`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

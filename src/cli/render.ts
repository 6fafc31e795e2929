/** Plan and summary text shared by plan, generate, apply --dry-run and watch. */
import { compileOperation, runsOutsideTransaction } from "../dialect/postgres/compile.ts";
import { describeOperation } from "../diff/describe.ts";
import { destructiveChanges } from "../diff/destructive.ts";
import { describePossibleRename, possibleRenames } from "../diff/hints.ts";
import type { Operation } from "../diff/operations.ts";

/** SQL with a comment line per operation; destructive ones are marked. */
export function renderPlan(ops: readonly Operation[]): string[] {
  const destructive = new Map(destructiveChanges(ops).map((d) => [d.operation, d.loses]));
  const lines: string[] = [];
  for (const op of ops) {
    lines.push(`-- ${describeOperation(op)}`);
    const loses = destructive.get(op);
    if (loses) lines.push(`-- DESTRUCTIVE: loses ${loses}`);
    if (runsOutsideTransaction(op)) {
      lines.push("-- OUTSIDE A TRANSACTION: CONCURRENTLY cannot run in one; generated as a migration of its own");
    }
    for (const statement of compileOperation(op)) lines.push(`${statement};`);
  }
  for (const hint of possibleRenames(ops)) lines.push(`-- POSSIBLE RENAME: ${describePossibleRename(hint)}`);
  return lines;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

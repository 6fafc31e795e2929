/** Plan and summary text shared by plan, generate, apply --dry-run and watch. */
import { compileOperation, runsOutsideTransaction } from "../dialect/postgres/compile.ts";
import { describeOperation } from "../diff/describe.ts";
import { destructiveChanges } from "../diff/destructive.ts";
import { describePossibleRename, possibleRenames } from "../diff/hints.ts";
import { type OperationHazards, planHazards } from "../diff/hazards.ts";
import type { Operation } from "../diff/operations.ts";
import type { TableSize } from "../plan.ts";

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

/** One operation of a plan with everything its text shows: `plan --json` prints these as `steps`. */
export interface PlanStep {
  readonly description: string;
  /** Its lock and hazard lines (with the table's size when known), as the text prints them. */
  readonly labels: readonly string[];
  /** What it loses, when destructive. */
  readonly destructive: string | null;
  /** CONCURRENTLY: run outside a transaction, as a migration of its own. */
  readonly outsideTransaction: boolean;
  readonly statements: readonly string[];
}

export function planSteps(
  ops: readonly Operation[],
  sizes: ReadonlyMap<string, TableSize> = new Map(),
  defaults: ReadonlyMap<string, string> = new Map(),
): PlanStep[] {
  return [...eachStep(ops, sizes, defaults)];
}

/** One step at a time: the text plan of 40,000 operations need not hold them all. */
function* eachStep(
  ops: readonly Operation[],
  sizes: ReadonlyMap<string, TableSize>,
  defaults: ReadonlyMap<string, string>,
): Generator<PlanStep> {
  const destructive = new Map(destructiveChanges(ops).map((d) => [d.operation, d.loses]));
  const hazards = planHazards(ops, defaults);
  for (const [i, op] of ops.entries()) {
    yield {
      description: describeOperation(op),
      labels: op.kind === "sql"
        ? ["HAND-WRITTEN: kyrage cannot tell the locks, hazards or losses of this step; it runs as written"]
        : hazardLabels(hazards[i], sizes),
      destructive: destructive.get(op) ?? null,
      outsideTransaction: runsOutsideTransaction(op),
      statements: compileOperation(op),
    };
  }
}

/** The advice lines under a plan: a drop and an add of the same type that may be a rename. */
export function renameHints(ops: readonly Operation[]): string[] {
  return possibleRenames(ops).map(describePossibleRename);
}

/**
 * SQL with a comment line per operation: what it does, the lock it takes
 * and its hazards (with the table's size when known), and destructive ones
 * marked. `defaults`: the DEFAULT partitions the desired schema keeps
 * (`defaultPartitions`), which new bounds scan.
 */
export function renderPlan(
  ops: readonly Operation[],
  sizes: ReadonlyMap<string, TableSize> = new Map(),
  defaults: ReadonlyMap<string, string> = new Map(),
): string[] {
  const lines: string[] = [];
  for (const step of eachStep(ops, sizes, defaults)) {
    lines.push(sqlComment(step.description));
    for (const label of step.labels) lines.push(sqlComment(label));
    if (step.destructive) lines.push(sqlComment(`DESTRUCTIVE: loses ${step.destructive}`));
    if (step.outsideTransaction) {
      lines.push(
        sqlComment("OUTSIDE A TRANSACTION: CONCURRENTLY cannot run in one; generated as a migration of its own"),
      );
    }
    for (const statement of step.statements) lines.push(terminated(statement));
  }
  for (const hint of renameHints(ops)) lines.push(sqlComment(`POSSIBLE RENAME: ${hint}`));
  return lines;
}

/**
 * A statement ending in `;`. A hand-written one may end in a line comment,
 * which would swallow a `;` on its line: it goes on a line of its own.
 */
function terminated(statement: string): string {
  if (statement.split("\n").at(-1)!.includes("--")) return `${statement}\n;`;
  return statement.trimEnd().endsWith(";") ? statement : `${statement};`;
}

/**
 * `LOCK ACCESS EXCLUSIVE on public.events (≈48M rows, 31 GB): rewrites table`,
 * then one line per other table the statement locks (a foreign key's
 * referenced table, whose writers wait too; a partition's parent and DEFAULT
 * partition); an ALTER DOMAIN, one per table it scans.
 */
export function hazardLabels(h: OperationHazards, sizes: ReadonlyMap<string, TableSize>): string[] {
  if (h.lock === "none" && h.hazards.length === 0 && !h.others) return [];
  const on = (table: string | undefined) => {
    const size = table ? sizes.get(table) : undefined;
    return table ? ` on ${table}${size ? ` (${describeSize(size)})` : ""}` : "";
  };
  const others = (h.others ?? []).map((o) => `LOCK ${o.lock}${on(o.table)}: ${[...o.hazards, o.why].join(", ")}`);
  // A new table's lock is nobody's concern; a sequence's hazard locks no table.
  if (h.lock === "none") return [...(h.hazards.length > 0 ? [h.hazards.join(", ")] : []), ...others];
  const hazards = h.hazards.length > 0 ? `: ${h.hazards.join(", ")}` : "";
  if (h.tables) return h.tables.map((table) => `LOCK ${h.lock}${on(table)}${hazards}`);
  return [`LOCK ${h.lock}${on(h.table)}${hazards}`, ...others];
}

function describeSize(size: TableSize): string {
  const rows = size.rows === undefined ? "rows unknown" : `≈${humanize(size.rows, ["", "K", "M", "B"], 1000)} rows`;
  return `${rows}, ${humanize(size.bytes, [" B", " kB", " MB", " GB", " TB"], 1024)}`;
}

function humanize(n: number, units: readonly string[], step: number): string {
  let value = n;
  let unit = 0;
  while (value >= step && unit < units.length - 1) {
    value /= step;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value < 10 ? value.toFixed(1) : Math.round(value)}${units[unit]}`;
}

/** The one line that keeps "No changes" from reading as "everything is in sync". */
export function notManaged(unmanaged: readonly string[]): string {
  return `NOT MANAGED (left as they are): ${unmanaged.join(", ")}`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

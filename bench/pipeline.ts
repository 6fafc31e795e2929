/**
 * The whole in-memory plan, everything a command does between its database
 * round trips: diff (with ordering and online rewriting), destructive
 * checks, rename hints, migration boundaries, and the plan's SQL text with
 * its lock and hazard labels.
 */
import { renderPlan } from "../src/cli/render.ts";
import { destructiveChanges } from "../src/diff/destructive.ts";
import { diffSchemas } from "../src/diff/diff.ts";
import { possibleRenames } from "../src/diff/hints.ts";
import { migrationBoundaries } from "../src/migrations/boundaries.ts";
import type { SchemaModel } from "../src/model/schema_model.ts";

export interface PlanWork {
  readonly operations: number;
  readonly lines: number;
}

export function inMemoryPlan(actual: SchemaModel, desired: SchemaModel): PlanWork {
  const ops = diffSchemas(actual, desired, { online: true });
  destructiveChanges(ops);
  possibleRenames(ops);
  migrationBoundaries(ops);
  return { operations: ops.length, lines: renderPlan(ops).length };
}

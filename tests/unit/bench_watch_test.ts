/**
 * The bench's watch figure is "save → SQL": a save counts as answered when
 * its plan has been printed to the end, not when its header line arrives
 * (watch prints the header first, then the plan line by line).
 */
import assert from "node:assert/strict";
import { lastStatement, watchAnswers } from "../../bench/local.ts";
import { generatedTables } from "../../bench/schema.ts";
import { renderPlan } from "../../src/cli/render.ts";
import { validateConfig } from "../../src/config/load.ts";
import { diffSchemas } from "../../src/diff/diff.ts";

const header = (ops: number) =>
  `-- [10:00:00] kyrage.config.ts: ${ops} operations against the dev database (0 migration(s) replayed) in 80 ms → migrations/1.json\n`;
const plan = (n: number) =>
  Array.from({ length: n }, (_, i) => `CREATE TABLE "public"."t${String(i).padStart(5, "0")}" ();\n`).join("") +
  Array.from(
    { length: n - 1 },
    (_, i) =>
      `ALTER TABLE "public"."t${String(i + 1).padStart(5, "0")}" ADD CONSTRAINT "t${
        String(i + 1).padStart(5, "0")
      }_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."t${String(i).padStart(5, "0")}" ("id");\n`,
  ).join("");

Deno.test("bench watch: a save is answered once its whole plan is printed", () => {
  const whole = header(19) + plan(10);
  assert.equal(watchAnswers(whole, lastStatement(10)), 1);
  const cut = whole.slice(0, whole.indexOf("ALTER TABLE"));
  assert.equal(watchAnswers(cut, lastStatement(10)), 0, "the header and part of the plan: not answered yet");
  assert.equal(watchAnswers(whole + header(19), lastStatement(10)), 1, "a second header alone: not answered");
  assert.equal(watchAnswers(whole + whole, lastStatement(10)), 2);
});

Deno.test("bench watch: the plan of the generated schema ends with lastStatement", () => {
  const desired = validateConfig({ tables: generatedTables(100) }, "/bench/kyrage.config.ts").desired;
  const lines = renderPlan(diffSchemas({ ...desired, tables: [] }, desired, { online: true }));
  assert.ok(lines.at(-1)!.includes(lastStatement(100)), lines.at(-1));
});

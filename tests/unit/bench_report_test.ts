/**
 * The bench's report: statistics, run-by-run ratios and "met" counts, and a
 * header that says over how many runs each figure was taken (the README
 * quotes "min / median / max over 5 runs").
 */
import assert from "node:assert/strict";
import { item } from "../../bench/item.ts";
import { stats } from "../../bench/measure.ts";
import { reportText, resultsJson } from "../../bench/report.ts";

const target = { on: "figure", max: 10, text: "≤ 10 ms" } as const;

Deno.test("bench stats: min, max and the median of an odd and an even count, runs kept in run order", () => {
  assert.deepEqual(stats([5, 1, 3]), { min: 1, median: 3, max: 5, runs: [5, 1, 3] });
  assert.equal(stats([4, 1, 3, 2]).median, 2.5);
});

Deno.test("bench ratio: run by run against the floor of the same run, and met counts runs that fail too", () => {
  const paired = item({
    title: "x",
    unit: "ms",
    figure: stats([10, 30, 20]),
    against: { label: "floor", stats: stats([10, 10, 40]) },
    target: { on: "ratio", max: 1.5, text: "≤ 1.5×" },
  });
  assert.deepEqual(paired.ratio!.runs, [1, 3, 0.5]);
  assert.equal(paired.met, "2/3");
  assert.equal(
    item({ title: "m", unit: "ms", figure: stats([11, 12]), target: { ...target, on: "median" } }).met,
    "0/1 (median)",
  );
});

Deno.test("bench report: the header names the items measured over another count than --runs", () => {
  const items = [
    item({ title: "plan", unit: "ms", figure: stats([1, 2, 3, 4, 5]), target }),
    item({ title: "watch --dev, save → SQL", unit: "ms", figure: stats(Array(12).fill(1)), target }),
    item({ title: "demo", unit: "ms", figure: stats([1]), target }),
  ];
  const report = { machine: "m", runs: 5, quick: false, size: 1000, items, missing: [] };
  const header = reportText(report).split("\n")[1];
  assert.match(header, /^5 runs each/);
  assert.match(header, /watch --dev, save → SQL: 12/);
  assert.match(header, /demo: 1/);
  assert.doesNotMatch(header, /plan:/);
  assert.deepEqual(
    JSON.parse(resultsJson(report, new Date(0))).items.map((i: { figure: { runs: number[] } }) => i.figure.runs.length),
    [5, 12, 1],
  );
});

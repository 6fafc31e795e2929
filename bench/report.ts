/** The bench's printed table and bench/results.json, from the same items. */
import type { Item, Missing } from "./item.ts";

export interface Report {
  readonly machine: string;
  readonly runs: number;
  readonly quick: boolean;
  readonly size: number;
  readonly items: readonly Item[];
  readonly missing: readonly Missing[];
}

const num = (x: number) => (x >= 100 ? String(Math.round(x)) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const triple = (s: { min: number; median: number; max: number }, unit = "") =>
  `${num(s.min)} / ${num(s.median)} / ${num(s.max)}${unit}`;
const line = (cells: string[]) => `| ${cells.join(" | ")} |`;

/** Items not taken over `runs` runs (watch's saves, the demo's single quick run), by title. */
function otherCounts(items: readonly Item[], runs: number): string {
  const other = items.filter((i) => i.figure.runs.length !== runs);
  return other.length ? ` (${other.map((i) => `${i.title.trim()}: ${i.figure.runs.length}`).join("; ")})` : "";
}

export function reportText(report: Report): string {
  const { items, runs, quick, size } = report;
  return [
    `kyrage benchmarks (issue 18): ${report.machine}`,
    `${runs} runs each${otherCounts(items, runs)}; min / median / max${
      quick ? `; QUICK RUN at ${size} tables: sizes differ from the targets'` : ""
    }`,
    "",
    line(["figure", "kyrage", "compared to (same runs)", "ratio", "target", "met"]),
    line(["---", "---", "---", "---", "---", "---"]),
    ...items.map((i) =>
      line([
        i.title,
        triple(i.figure, ` ${i.unit}`),
        i.against ? `${i.against.label}: ${triple(i.against.stats, ` ${i.unit}`)}` : "–",
        i.ratio ? triple(i.ratio, "×") : "–",
        i.target.text,
        i.met,
      ])
    ),
    ...report.missing.map((m) => line([m.title, "–", m.reason, "–", m.target, "–"])),
    "",
    ...items.filter((i) => i.note).map((i) => `${i.title.trim()}: ${i.note}`),
  ].join("\n");
}

export function resultsJson(report: Report, date: Date): string {
  const { machine, runs, quick, items, missing } = report;
  return JSON.stringify({ machine, date: date.toISOString(), runs, quick, items, missing }, null, 2) + "\n";
}

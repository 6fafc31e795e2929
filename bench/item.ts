/** One figure of issue 18: what kyrage measured, what it is compared to in the same run, and the target. */
import { type Stats, stats } from "./measure.ts";

export interface Target {
  /** What the target bounds: each run's figure, each run's ratio to the floor, or the median of the runs. */
  readonly on: "figure" | "ratio" | "median";
  readonly max: number;
  readonly text: string;
}

export interface Item {
  readonly title: string;
  readonly unit: "ms" | "MB";
  readonly figure: Stats;
  /** The floor or peer, measured in the same runs (interleaved with kyrage's). */
  readonly against?: { readonly label: string; readonly stats: Stats };
  /** Run by run, figure / against. */
  readonly ratio?: Stats;
  readonly target: Target;
  /** Runs that met the target (for a median target: 1 of 1 when the median meets it). */
  readonly met: string;
  readonly note?: string;
}

export function item(fields: Omit<Item, "ratio" | "met">): Item {
  const ratio = fields.against ? stats(fields.figure.runs.map((x, i) => x / fields.against!.stats.runs[i])) : undefined;
  const { on, max } = fields.target;
  const judged = on === "ratio" ? ratio!.runs : fields.figure.runs;
  const met = on === "median"
    ? `${fields.figure.median <= max ? 1 : 0}/1 (median)`
    : `${judged.filter((x) => x <= max).length}/${judged.length}`;
  return { ...fields, ...(ratio ? { ratio } : {}), met };
}

/** A peer or measurement that cannot be made here: printed as such, never invented. */
export interface Missing {
  readonly title: string;
  readonly reason: string;
  readonly target: string;
}

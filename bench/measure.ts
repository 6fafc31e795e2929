/** Timing, peak memory and statistics for the benchmarks: processes run as a user runs them. */
import { DENO_CONFIG, MAIN } from "../tests/support/cli.ts";

export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly runs: readonly number[];
}

export function stats(runs: readonly number[]): Stats {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted.at(-1)!, runs: [...runs] };
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

export interface ProcessRun {
  readonly ms: number;
  /** Peak resident set size, MB (GNU time's %M). */
  readonly rssMb: number;
  readonly stdout: string;
  readonly stderr: string;
}

const decoder = new TextDecoder();

/** Run `argv` under GNU time, which reports the child's peak RSS. */
export async function measured(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ProcessRun & { code: number }> {
  const report = await Deno.makeTempFile({ prefix: "kyrage-bench-time-" });
  try {
    const start = performance.now();
    const out = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "%M", "-o", report, ...argv],
      cwd: options.cwd,
      env: options.env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const ms = performance.now() - start;
    const kb = Number((await Deno.readTextFile(report)).trim().split("\n").at(-1));
    return {
      ms,
      rssMb: kb / 1024,
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } finally {
    await Deno.remove(report).catch(() => {});
  }
}

/**
 * The kyrage CLI from this checkout: `deno run -A` of src/main.ts, the process `deno task kyrage` starts (without the
 * task runner's own process). Exit code 2 is plan --exit-code's "changes".
 */
export async function kyrage(cwd: string, args: string[], env: Record<string, string> = {}): Promise<ProcessRun> {
  const run = await measured([Deno.execPath(), "run", "-A", "--config", DENO_CONFIG, MAIN, ...args], {
    cwd,
    env: { NO_COLOR: "1", DATABASE_URL: "", INIT_CWD: cwd, ...env },
  });
  if (run.code !== 0 && run.code !== 2) {
    throw new Error(`kyrage ${args.join(" ")} failed:\n${run.stderr.slice(0, 2000)}`);
  }
  return run;
}

/** `psql -f` as a user would run a script: one process, stops at the first error. */
export async function psql(url: string, file: string): Promise<ProcessRun> {
  const run = await measured(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file]);
  if (run.code !== 0) throw new Error(`psql -f ${file} failed:\n${run.stderr.slice(0, 2000)}`);
  return run;
}

/** The command line of `deno task bench`: a typo is refused rather than measuring nothing (and overwriting results.json). */
export const ITEMS = ["apply", "plan", "memory", "inmemory", "first", "demo", "watch"] as const;

export interface BenchArgs {
  /** Tables for the server figures (ten times as many for the in-memory plan and memory). */
  readonly size: number;
  /** Below the targets' sizes: what CI runs to keep the bench working. */
  readonly quick: boolean;
  readonly runs: number;
  readonly wants: (item: string) => boolean;
}

const FLAGS = ["sizes", "runs", "only"];

export function parseBenchArgs(args: readonly string[]): BenchArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i].replace(/^--/, "");
    if (!args[i].startsWith("--") || !FLAGS.includes(name)) {
      throw new Error(`deno task bench: unknown flag "${args[i]}"; the flags are --sizes N, --runs N, --only a,b.`);
    }
    if (args[i + 1] === undefined || args[i + 1].startsWith("--")) {
      throw new Error(`deno task bench: --${name} needs a value.`);
    }
    values.set(name, args[i + 1]);
  }
  const count = (name: string, fallback: number) => {
    const value = Number(values.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`deno task bench: --${name} takes a whole number of at least 1, not "${values.get(name)}".`);
    }
    return value;
  };
  const size = count("sizes", 1000);
  const quick = size < 1000;
  const runs = count("runs", quick ? 3 : 5);
  const only = values.get("only")?.split(",");
  const unknown = only?.find((name) => !(ITEMS as readonly string[]).includes(name));
  if (unknown !== undefined) {
    throw new Error(`deno task bench: --only: unknown item "${unknown}"; the items are ${ITEMS.join(", ")}.`);
  }
  return { size, quick, runs, wants: (name: string) => !only || only.includes(name) };
}

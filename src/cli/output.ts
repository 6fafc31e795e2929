/**
 * Everything the CLI prints goes through here, so no output path can print
 * a database password: every registered secret, in every spelling it may be
 * printed in (as is, percent-encoded), is replaced by `***`.
 */
import { scrubSecrets } from "../dialect/connection_string.ts";

export interface Printer {
  stdout(text: string): void;
  stderr(text: string): void;
  /** When stderr is a terminal: replace the current stderr line with `text` (no newline). */
  rewriteStderr?(text: string): void;
}

const encoder = new TextEncoder();

// The CLI's one printer, taken before divertConsole() reroutes console.log.
const log = console.log.bind(console);

const CONSOLE: Printer = {
  stdout: (text) => log(text),
  // deno-lint-ignore no-console -- the CLI's one printer
  stderr: (text) => console.error(text),
  rewriteStderr: Deno.stderr.isTerminal()
    ? (text) => Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${text}`))
    : undefined,
};

/**
 * stdout is kyrage's output alone (`plan | psql`, `--json | jq`): what a config or a library prints with
 * console.log, info or debug (dotenv's "injecting env" line) goes to stderr instead.
 */
function divertConsole(): void {
  const toStderr = console.error.bind(console);
  for (const name of ["log", "info", "debug", "dir", "dirxml"] as const) {
    // deno-lint-ignore no-console -- rerouting, not printing
    console[name] = toStderr;
  }
}

/** Every string in a JSON value, scrubbed before it is encoded: after, `"` reads `\"` and a secret would slip by. */
function scrubValues(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") return scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubValues(v, scrub));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValues(v, scrub)]));
  }
  return value;
}

const PROGRESS_TICK_MS = 100;

export class Output {
  private readonly secrets = new Set<string>();

  constructor(private readonly printer: Printer = CONSOLE) {
    if (printer === CONSOLE) divertConsole();
  }

  /** Never print these strings (passwords). */
  addSecrets(secrets: Iterable<string>): void {
    for (const secret of secrets) {
      if (!secret) continue;
      this.secrets.add(secret);
      // As a SQL literal spells it: a plan's statement may quote one (a comment, a dblink call in a view).
      this.secrets.add(secret.replaceAll("'", "''"));
    }
  }

  scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }

  line(text = ""): void {
    this.printer.stdout(this.scrub(text));
  }

  /**
   * One JSON document on stdout. Field names are never scrubbed (a password "pending" would rename a field), only
   * string values, and before encoding, so every spelling the text scrub knows is caught.
   */
  json(value: unknown): void {
    this.printer.stdout(JSON.stringify(scrubValues(value, (text) => this.scrub(text)), null, 2));
  }

  error(text: string): void {
    this.printer.stderr(this.scrub(text));
  }

  /**
   * A stderr line for work that takes seconds: on a terminal `text` counts
   * them in place (short, so it never wraps) until the returned function is
   * called, then `note` follows; elsewhere (logs, CI) both are printed once.
   */
  progress(text: string, note: string): () => void {
    const rewrite = this.printer.rewriteStderr;
    if (!rewrite) {
      this.error(`${text} ${note}.`);
      return () => {};
    }
    const started = Date.now();
    const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const render = () => rewrite(this.scrub(`${text} ${seconds()}`));
    render();
    const timer = setInterval(render, PROGRESS_TICK_MS);
    Deno.unrefTimer(timer);
    return () => {
      clearInterval(timer);
      rewrite(this.scrub(`${text} done in ${seconds()}; ${note}.`));
      this.printer.stderr("");
    };
  }
}

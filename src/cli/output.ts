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

const CONSOLE: Printer = {
  // deno-lint-ignore no-console -- the CLI's one printer
  stdout: (text) => console.log(text),
  // deno-lint-ignore no-console -- the CLI's one printer
  stderr: (text) => console.error(text),
  rewriteStderr: Deno.stderr.isTerminal()
    ? (text) => Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${text}`))
    : undefined,
};

const PROGRESS_TICK_MS = 100;

export class Output {
  private readonly secrets = new Set<string>();

  constructor(private readonly printer: Printer = CONSOLE) {}

  /** Never print these strings (passwords). */
  addSecrets(secrets: Iterable<string>): void {
    for (const secret of secrets) if (secret) this.secrets.add(secret);
  }

  scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }

  line(text = ""): void {
    this.printer.stdout(this.scrub(text));
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

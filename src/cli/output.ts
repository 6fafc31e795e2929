/**
 * Everything the CLI prints goes through here, so no output path can print
 * a database password: every registered secret, in every spelling it may be
 * printed in (as is, percent-encoded), is replaced by `***`.
 */
import { scrubSecrets } from "../dialect/connection_string.ts";

export interface Printer {
  stdout(text: string): void;
  stderr(text: string): void;
}

const CONSOLE: Printer = {
  // deno-lint-ignore no-console -- the CLI's one printer
  stdout: (text) => console.log(text),
  // deno-lint-ignore no-console -- the CLI's one printer
  stderr: (text) => console.error(text),
};

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
}

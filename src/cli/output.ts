/**
 * Everything the CLI prints goes through here, so no output path can print
 * a database password: every registered secret is replaced by `***`.
 */
export class Output {
  private readonly secrets = new Set<string>();

  /** Never print this string (a password). */
  addSecret(secret: string | undefined): void {
    if (secret) this.secrets.add(secret);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.replaceAll(secret, "***");
    return out;
  }

  line(text = ""): void {
    // deno-lint-ignore no-console -- the CLI's one printer
    console.log(this.scrub(text));
  }

  error(text: string): void {
    // deno-lint-ignore no-console -- the CLI's one printer
    console.error(this.scrub(text));
  }
}

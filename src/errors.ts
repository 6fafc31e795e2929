/**
 * Errors meant for the user: one paragraph that names the file, table or
 * migration concerned. The CLI prints `message` (and the cause's message)
 * and exits 1; anything else is a bug and gets a stack trace.
 */
export class KyrageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KyrageError";
  }
}

/** The message of any thrown value, for wrapping in a KyrageError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

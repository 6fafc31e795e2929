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

/** WASI's numbers for the file system errors a path can meet, as PGlite's WASM file system reports them. */
const WASI_ERRNO: Record<number, string> = {
  2: "EACCES: permission denied",
  20: "EEXIST: file exists",
  29: "EIO: input/output error",
  31: "EISDIR: is a directory",
  37: "ENAMETOOLONG: a path in it is too long",
  44: "ENOENT: no such file or directory",
  51: "ENOSPC: no space left on device",
  54: "ENOTDIR: not a directory",
  63: "EPERM: operation not permitted",
  69: "EROFS: read-only file system",
};

/** The message of any thrown value, for wrapping in a KyrageError. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error !== "object" || error === null) return String(error);
  // PGlite's WASM file system throws a plain `{ name: "ErrnoError", errno }`, which String() makes "[object Object]".
  const { message, name, errno } = error as { message?: unknown; name?: unknown; errno?: unknown };
  if (typeof message === "string" && message !== "") return message;
  if (typeof errno === "number") {
    return `${typeof name === "string" ? `${name} ` : ""}${WASI_ERRNO[errno] ?? `errno ${errno}`}`;
  }
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

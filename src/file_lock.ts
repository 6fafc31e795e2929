/** OS file locks (they die with their process: a crash never leaves a stale one), and waiting between tries. */

/** Lock `path` exclusively if it is free (creating the file); undefined when another holder has it. */
export async function tryLockFile(path: string): Promise<Deno.FsFile | undefined> {
  const file = await Deno.open(path, { create: true, write: true });
  if (await file.tryLock(true)) return file;
  file.close();
  return undefined;
}

/** `ms` milliseconds, cut short (rejecting) when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}

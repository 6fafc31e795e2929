/**
 * PGlite initializing a cluster takes seconds, once per machine (later ones
 * start from the cached image). The CLI registers here how to show that;
 * this module loads no PGlite, so registering costs the server path nothing.
 */

/** Called when initializing starts; what it returns is called when it ends. */
export type InitializingListener = () => () => void;

let listener: InitializingListener | undefined;

export function onInitializing(next: InitializingListener | undefined): void {
  listener = next;
}

/** Run `initialize`, telling the registered listener before and after. */
export async function announceInitializing<T>(initialize: () => Promise<T>): Promise<T> {
  const finished = listener?.();
  try {
    return await initialize();
  } finally {
    finished?.();
  }
}

/**
 * Load a config fresh, in a new Worker each time, and validate it like `loadConfig`.
 * The load is time-boxed: a config that never settles (a top-level await on
 * nothing, an endless loop) would otherwise hold watch for good.
 */
import { pathToFileURL } from "node:url";
import { type LoadedConfig, validateConfig, withoutSourceExcerpt } from "../config/load.ts";
import { KyrageError } from "../errors.ts";

type Reply = { ok: true; config: unknown } | { ok: false; error: string };

const TIMEOUT_VARIABLE = "KYRAGE_WATCH_CONFIG_TIMEOUT_MS";
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * How long a config may take to load. Tests shorten it through an environment
 * variable that is read only where env access is already granted (never
 * prompting): kyrage's own permission list leaves it out, so users have no
 * such setting.
 */
export function configTimeoutMs(): number {
  if (Deno.permissions.querySync({ name: "env", variable: TIMEOUT_VARIABLE }).state !== "granted") {
    return DEFAULT_TIMEOUT_MS;
  }
  const value = Number(Deno.env.get(TIMEOUT_VARIABLE));
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_MS;
}

export interface ReloadOptions {
  readonly timeoutMs: number;
  /** Aborting stops the load at once (watch is stopping). */
  readonly signal?: AbortSignal;
}

export interface ConfigLoader {
  load(path: string, options: ReloadOptions): Promise<LoadedConfig>;
  /** Ends the Worker kept ready for the next load. */
  close(): void;
}

const spawn = () => new Worker(new URL("./config_worker.ts", import.meta.url), { type: "module" });

/**
 * Loads configs, each in a Worker of its own, one Worker always started
 * ahead with kyrage's own modules loaded (see config_worker.ts): a save waits
 * for the config's modules only, not for a Worker to start.
 */
export function configLoader(): ConfigLoader {
  let ready: Worker | undefined = spawn();
  return {
    async load(path, options) {
      const worker = ready ?? spawn();
      ready = undefined;
      try {
        return await loadIn(worker, path, options);
      } finally {
        if (!options.signal?.aborted) ready = spawn();
      }
    },
    close() {
      ready?.terminate();
      ready = undefined;
    },
  };
}

async function loadIn(worker: Worker, path: string, options: ReloadOptions): Promise<LoadedConfig> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const reply = await new Promise<Reply | "timeout">((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<Reply>) => resolve(event.data);
      // A syntax error in the config surfaces as an error event, with its location.
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        resolve({ ok: false, error: withoutSourceExcerpt(event.message) });
      };
      timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
      onAbort = () => reject(options.signal!.reason);
      options.signal?.throwIfAborted();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      worker.postMessage({ url: pathToFileURL(path).href });
    });
    if (reply === "timeout") {
      throw new KyrageError(
        `The config ${path} did not finish loading within ${options.timeoutMs / 1000} s: it, or a module it ` +
          "imports, never settles (a top-level await on a promise that never resolves, or an endless loop?). " +
          "Its load was stopped; fix it and save again.",
      );
    }
    if (!reply.ok) throw new KyrageError(`Cannot load config ${path}: ${reply.error}`);
    return validateConfig(reply.config, path);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener("abort", onAbort);
    // An endless loop keeps the Worker's thread running even after this
    // (denoland/deno#35657); the process ends it when watch stops.
    worker.terminate();
  }
}

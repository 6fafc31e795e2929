/** Load a config fresh, in a new Worker, and validate it like `loadConfig`. */
import { pathToFileURL } from "node:url";
import { type LoadedConfig, validateConfig } from "../config/load.ts";
import { KyrageError } from "../errors.ts";

type Reply = { ok: true; config: unknown } | { ok: false; error: string };

export async function reloadConfig(path: string): Promise<LoadedConfig> {
  const worker = new Worker(new URL("./config_worker.ts", import.meta.url), { type: "module" });
  try {
    const reply = await new Promise<Reply>((resolve) => {
      worker.onmessage = (event: MessageEvent<Reply>) => resolve(event.data);
      // A syntax error in the config surfaces as an error event, with its location.
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        resolve({ ok: false, error: event.message });
      };
      worker.postMessage({ url: pathToFileURL(path).href });
    });
    if (!reply.ok) throw new KyrageError(`Cannot load config ${path}: ${reply.error}`);
    return validateConfig(reply.config, path);
  } finally {
    worker.terminate();
  }
}

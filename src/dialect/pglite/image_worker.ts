/// <reference lib="deno.worker" />
/**
 * Initializes an empty PGlite cluster and saves it as the cached pristine
 * image (see pristine.ts), off the main thread. Replies `{ ok }`; any failure
 * is `ok: false` and the caller initializes in place instead.
 */
import { PGlite } from "@electric-sql/pglite";
import { savePristine } from "./pristine.ts";

self.onmessage = async (event: MessageEvent<{ path: string }>) => {
  try {
    const pglite = await PGlite.create("memory://");
    await savePristine(pglite, event.data.path);
    await pglite.close();
    self.postMessage({ ok: true });
  } catch {
    self.postMessage({ ok: false });
  }
};

/**
 * Imports a config in a Worker of its own. Deno caches modules per isolate,
 * so a fresh Worker per reload is what makes edits to `schema.ts` (or any
 * nested import) visible. Posts back the default export, which is plain data.
 */
/// <reference lib="deno.worker" />
// kyrage's own DSL (what `import ... from "kyrage"` resolves to), loaded while
// the Worker waits for a save: it never changes while watch runs.
import "../mod.ts";

self.onmessage = async (event: MessageEvent<{ url: string }>) => {
  try {
    const module = await import(event.data.url);
    self.postMessage({ ok: true, config: structuredClone(module.default) });
  } catch (error) {
    // Described here, as plan describes it (the file and line that threw); imported
    // only now, as its validation modules would slow every Worker's start.
    const { describeLoadError } = await import("../config/load.ts");
    self.postMessage({ ok: false, error: describeLoadError(error) });
  }
};

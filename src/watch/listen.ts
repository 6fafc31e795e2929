/**
 * The file-system events a watch session listens to: the config's directory,
 * recursively (a module created there is seen), and the directory of each
 * local module the config imports from outside it (a monorepo's
 * `../shared/tables.ts`). The outside ones follow the module graph, which a
 * reload may change; they are watched one level deep: only those modules count.
 */
import { dirname, isAbsolute, relative, sep } from "node:path";

export interface Listener {
  /** Listen to these modules' directories too, from now on. */
  follow(modules: ReadonlySet<string>): Promise<void>;
  close(): void;
}

export function listen(root: string, onPaths: (paths: readonly string[]) => void): Listener {
  const run = (watcher: Deno.FsWatcher) => {
    (async () => {
      for await (const event of watcher) onPaths(event.paths);
    })();
    return watcher;
  };
  const inside = run(Deno.watchFs(root, { recursive: true }));
  let outside: { dirs: string; watcher?: Deno.FsWatcher } = { dirs: "" };
  let closed = false;
  const isOutside = (dir: string) => {
    const path = relative(root, dir);
    return path === ".." || path.startsWith(`..${sep}`) || isAbsolute(path);
  };
  const isDirectory = (dir: string) => Deno.stat(dir).then((s) => s.isDirectory, () => false);
  return {
    async follow(modules) {
      const candidates = [...new Set([...modules].map((m) => dirname(m)))].filter(isOutside).sort();
      // A directory that does not exist cannot be watched; the load reports the missing module.
      const existing = await Promise.all(candidates.map(isDirectory));
      const dirs = candidates.filter((_, i) => existing[i]);
      if (closed || dirs.join("\n") === outside.dirs) return;
      outside.watcher?.close();
      outside = {
        dirs: dirs.join("\n"),
        watcher: dirs.length > 0 ? run(Deno.watchFs(dirs, { recursive: false })) : undefined,
      };
    },
    close() {
      closed = true;
      inside.close();
      outside.watcher?.close();
    },
  };
}

/**
 * Watch mode: the planning pipeline in a loop. On every save of the config
 * or a local module it imports, reload the config fresh, plan against the
 * base database, and keep one pending migration file (owned by this session,
 * its id stable) in sync — or remove it when nothing is left to change.
 * Saves are debounced; a cycle never overlaps another, and a save during a
 * cycle triggers exactly one more. Watch never applies anything.
 */
import { dirname, join, relative, resolve } from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import type { Database } from "../dialect/database.ts";
import { type DestructiveChange, destructiveChanges } from "../diff/destructive.ts";
import type { Operation } from "../diff/operations.ts";
import { FORMAT_VERSION } from "../migrations/file.ts";
import { nextMigrationId, readMigrations, writeMigration } from "../migrations/store.ts";
import { planChanges } from "../plan.ts";
import { localImports } from "./imports.ts";
import { reloadConfig } from "./reload.ts";

export interface CycleResult {
  /** The file whose save started the cycle (the config itself at start). */
  readonly trigger: string;
  readonly operations: readonly Operation[];
  readonly destructive: readonly DestructiveChange[];
  /** The owned migration file: written, or removed when there is nothing to change. */
  readonly path: string;
  readonly written: boolean;
  readonly ms: number;
}

export interface WatchOptions {
  readonly configPath: string;
  /** The base state to plan against, given the (first good) config. */
  readonly openBase: (config: LoadedConfig, ownedId: string) => Promise<Database>;
  readonly allowDestructive?: boolean;
  readonly debounceMs?: number;
  readonly onCycle: (result: CycleResult) => void;
  readonly onError: (error: unknown, trigger: string) => void;
}

export interface WatchSession {
  /** Stop watching; waits for a running cycle, closes the database. */
  stop(): Promise<void>;
}

const IGNORED = /(^|\/)(migrations|node_modules|\.kyrage)(\/|$)/;

export async function startWatch(options: WatchOptions): Promise<WatchSession> {
  const configPath = resolve(options.configPath);
  const root = dirname(configPath);
  let base: Database | undefined;
  let ownedId: string | undefined;
  let watched = await localImports(configPath);
  let running: Promise<void> | undefined;
  let again: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function cycle(trigger: string): Promise<void> {
    const started = performance.now();
    try {
      const config = await reloadConfig(configPath);
      if (!ownedId) ownedId = nextMigrationId(await readMigrations(config.migrationsDir));
      base ??= await options.openBase(config, ownedId);
      const operations = await planChanges(base, config.desired, { online: config.online });
      const destructive = destructiveChanges(operations);
      const path = join(config.migrationsDir, `${ownedId}.json`);
      if (operations.length > 0) {
        await writeMigration(config.migrationsDir, {
          format: FORMAT_VERSION,
          id: ownedId,
          createdAt: new Date().toISOString(),
          allowDestructive: destructive.length > 0 && options.allowDestructive === true,
          operations,
        });
      } else {
        await Deno.remove(path).catch(() => {});
      }
      options.onCycle({
        trigger,
        operations,
        destructive,
        path,
        written: operations.length > 0,
        ms: performance.now() - started,
      });
    } catch (error) {
      // The last good migration file stays as it was.
      options.onError(error, trigger);
    } finally {
      watched = await localImports(configPath);
    }
  }

  function schedule(trigger: string): void {
    if (running) {
      again = trigger;
      return;
    }
    running = cycle(trigger).finally(() => {
      running = undefined;
      if (again !== undefined) {
        const next = again;
        again = undefined;
        schedule(next);
      }
    });
  }

  const fsWatcher = Deno.watchFs(root, { recursive: true });
  (async () => {
    for await (const event of fsWatcher) {
      const hit = event.paths.find((p) => watched.has(resolve(p)) && !IGNORED.test(relative(root, p)));
      if (!hit) continue;
      clearTimeout(timer);
      timer = setTimeout(() => schedule(relative(root, hit)), options.debounceMs ?? 40);
    }
  })();

  schedule(relative(root, configPath));

  return {
    async stop() {
      clearTimeout(timer);
      fsWatcher.close();
      again = undefined;
      await running;
      await base?.close();
    },
  };
}

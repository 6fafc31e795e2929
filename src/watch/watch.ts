/**
 * Watch mode: the planning pipeline in a loop. On every save of the config
 * or a local module it imports, reload the config fresh, plan against the
 * base, and keep one pending migration file owned by this session in sync
 * (see owned.ts). Saves are debounced; a cycle never overlaps another, and a
 * save during a cycle triggers exactly one more. The session is the only
 * writer of its migrations directory while it runs. Watch never applies
 * anything.
 */
import { dirname, relative, resolve } from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import { KyrageError } from "../errors.ts";
import { HeldByWatch, lockMigrationsDir, type MigrationsLock } from "../migrations/lock.ts";
import { localImports } from "./imports.ts";
import { defaultPartitions } from "../diff/hazards.ts";
import { listen } from "./listen.ts";
import { type Synced, syncOwned } from "./owned.ts";
import { configLoader, configTimeoutMs } from "./reload.ts";
import type { TargetOptions, WatchTarget } from "./target.ts";

export interface CycleResult extends Omit<Synced, "ownedIds"> {
  /** The file whose save started the cycle (the config itself at start). */
  readonly trigger: string;
  /** The database `kyrage apply` targets (where `released` was applied). */
  readonly appliedTo: string;
  readonly ms: number;
  /** The config's DEFAULT partitions, for the plan's lock labels (`defaultPartitions`). */
  readonly defaults: ReadonlyMap<string, string>;
}

export interface WatchOptions {
  readonly configPath: string;
  /**
   * What to plan against and where apply happens, for a config: `key` says
   * what the target depends on (a save that changes it opens a new one).
   */
  readonly target: (config: LoadedConfig, options: TargetOptions) => { readonly key: string; open(): WatchTarget };
  readonly allowDestructive?: boolean;
  /** false: plain DDL whatever the config says (`--no-online`). */
  readonly online?: boolean;
  readonly debounceMs?: number;
  readonly onCycle: (result: CycleResult) => void;
  readonly onError: (error: unknown, trigger: string) => void;
  /** A save made the config name another database: the session plans there from now on. */
  readonly onTarget: (label: string) => void;
  /** A cycle waits for another process (an apply, a generate), told once per wait. */
  readonly onWaiting: (message: string) => void;
}

export interface WatchSession {
  /** Settles when the session cannot go on: another session holds its migrations directory. */
  readonly failed: Promise<KyrageError>;
  /** Stop now: a running cycle is abandoned (its config load stopped, its waits cut short), then all closes. */
  stop(): Promise<void>;
}

const IGNORED = /(^|\/)(migrations|node_modules|\.kyrage)(\/|$)/;

export async function startWatch(options: WatchOptions): Promise<WatchSession> {
  const configPath = resolve(options.configPath);
  const root = dirname(configPath);
  const timeoutMs = configTimeoutMs();
  const configs = configLoader();
  const stopping = new AbortController();
  const signal = stopping.signal;
  let fail!: (error: KyrageError) => void;
  const failed = new Promise<KyrageError>((resolveFailed) => (fail = resolveFailed));
  let target: WatchTarget | undefined;
  let targetKey: string | undefined;
  let held: { dir: string; lock: MigrationsLock } | undefined;
  let ownedIds: readonly string[] = [];
  let watched = await localImports(configPath);
  let running: Promise<void> | undefined;
  let again: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Become the only writer of the config's migrations directory, for the whole session. */
  async function holdDirectory(dir: string): Promise<void> {
    if (held && held.dir !== dir) {
      throw new KyrageError(
        `The config now puts migrations in ${dir}, not ${held.dir} where this session started; restart kyrage watch.`,
      );
    }
    held ??= { dir, lock: await lockMigrationsDir(dir, "watch", { signal, onWaiting: options.onWaiting }) };
  }

  async function cycle(trigger: string): Promise<void> {
    const started = performance.now();
    try {
      const loaded = await configs.load(configPath, { timeoutMs, signal });
      const config = options.online === false ? { ...loaded, online: false } : loaded;
      await holdDirectory(config.migrationsDir);
      const wanted = options.target(config, { signal, onWaiting: options.onWaiting });
      let current = target;
      if (!current || wanted.key !== targetKey) {
        // The config now names another database (or dev settings): plan there from now on.
        const switching = target !== undefined;
        await target?.close();
        current = target = wanted.open();
        targetKey = wanted.key;
        if (switching) options.onTarget(current.label);
      }
      const { ownedIds: ids, ...synced } = await syncOwned(
        config,
        current,
        ownedIds,
        options.allowDestructive === true,
      );
      ownedIds = ids;
      options.onCycle({
        ...synced,
        trigger,
        appliedTo: current.label,
        ms: performance.now() - started,
        defaults: defaultPartitions(config.desired.tables),
      });
    } catch (error) {
      if (signal.aborted) return; // stopping: nothing to report
      if (error instanceof HeldByWatch) fail(error);
      // The last good migration file stays as it was.
      else options.onError(error, trigger);
    } finally {
      watched = await localImports(configPath);
      await listener.follow(watched);
    }
  }

  function schedule(trigger: string): void {
    if (signal.aborted) return;
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

  const listener = listen(root, (paths) => {
    const hit = paths.find((p) => watched.has(resolve(p)) && !IGNORED.test(relative(root, p)));
    if (!hit) return;
    clearTimeout(timer);
    timer = setTimeout(() => schedule(relative(root, hit)), options.debounceMs ?? 40);
  });
  await listener.follow(watched);

  schedule(relative(root, configPath));

  return {
    failed,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      listener.close();
      again = undefined;
      // Settles promptly: the config Worker is terminated and every wait is cut short.
      await running;
      configs.close();
      await target?.close();
      held?.lock.release();
    },
  };
}

/**
 * The one pending migration a watch session owns: planned against the base
 * of every other migration file, rewritten or removed on each cycle — unless
 * the target applied it meanwhile. An applied file is never touched again:
 * the session lets it go and starts a new owned file, planned against the
 * state that includes it.
 */
import { join } from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import { type DestructiveChange, destructiveChanges } from "../diff/destructive.ts";
import type { Operation } from "../diff/operations.ts";
import { FORMAT_VERSION } from "../migrations/file.ts";
import { nextMigrationId, readMigrations, writeMigration } from "../migrations/store.ts";
import { planChanges } from "../plan.ts";
import type { WatchTarget } from "./target.ts";

export interface Synced {
  /** The id owned from now on (its file exists only when `written`). */
  readonly ownedId: string;
  readonly operations: readonly Operation[];
  readonly destructive: readonly DestructiveChange[];
  /** The owned migration file: written, or absent when there is nothing to change. */
  readonly path: string;
  readonly written: boolean;
  /** The base the plan ran against. */
  readonly against: string;
  /** The previously owned file, found applied on the target and left as it is. */
  readonly released?: string;
}

export async function syncOwned(
  config: LoadedConfig,
  target: WatchTarget,
  owned: string | undefined,
  allowDestructive: boolean,
): Promise<Synced> {
  const dir = config.migrationsDir;
  let released: string | undefined;
  for (;;) {
    const files = await readMigrations(dir);
    const current = files.find((f) => f.id === owned);
    const others = files.filter((f) => f !== current);
    const newest = others.at(-1)?.id;
    // The owned file is planned on top of every other file, so it must also
    // sort after them: a new id when a newer file arrived (a git pull).
    const id = owned === undefined || (newest !== undefined && newest >= owned) ? nextMigrationId(files) : owned;
    const base = await target.base(others);
    const operations = await planChanges(base, config.desired);
    const destructive = destructiveChanges(operations);
    const write = async () => {
      if (operations.length > 0) {
        await writeMigration(dir, {
          format: FORMAT_VERSION,
          id,
          createdAt: new Date().toISOString(),
          allowDestructive: destructive.length > 0 && allowDestructive,
          operations,
        });
      }
      if (current && (operations.length === 0 || current.id !== id)) {
        await Deno.remove(current.path).catch((error) => {
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        });
      }
    };
    if (!current) await write();
    else if (!(await target.unlessApplied(current.id, current.path, write))) {
      // Applied meanwhile: plan again, on a base that now includes it.
      released = current.path;
      owned = undefined;
      continue;
    }
    return {
      ownedId: id,
      operations,
      destructive,
      path: join(dir, `${id}.json`),
      written: operations.length > 0,
      against: base.label,
      ...(released ? { released } : {}),
    };
  }
}

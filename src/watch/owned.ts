/**
 * The pending migrations a watch session owns: the current plan against the
 * base of every other migration file, split where one change needs several
 * migrations (migrations/boundaries.ts), under consecutive ids — rewritten
 * or removed on each cycle, unless the target applied some of them
 * meanwhile. An applied file is never touched again: the session lets it go
 * and plans again, on a base that includes it.
 */
import { lockError, lockTimedOut } from "../blockers.ts";
import { join } from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import { type DestructiveChange, destructiveChanges } from "../diff/destructive.ts";
import type { Operation } from "../diff/operations.ts";
import { migrationBoundaries } from "../migrations/boundaries.ts";
import { FORMAT_VERSION } from "../migrations/file.ts";
import { migrationIdAfter, nextMigrationId, readMigrations, writeMigration } from "../migrations/store.ts";
import { planChanges } from "../plan.ts";
import type { WatchTarget } from "./target.ts";

export interface Synced {
  /** The ids owned from now on, oldest first (their files exist). */
  readonly ownedIds: readonly string[];
  readonly operations: readonly Operation[];
  readonly destructive: readonly DestructiveChange[];
  /** The owned migration files written; none when there is nothing to change. */
  readonly paths: readonly string[];
  /** The base the plan ran against. */
  readonly against: string;
  /** Previously owned files, found applied on the target and left as they are. */
  readonly released: readonly string[];
}

export async function syncOwned(
  config: LoadedConfig,
  target: WatchTarget,
  owned: readonly string[],
  allowDestructive: boolean,
): Promise<Synced> {
  const dir = config.migrationsDir;
  const released: string[] = [];
  for (;;) {
    const files = await readMigrations(dir);
    const current = files.filter((f) => owned.includes(f.id));
    const others = files.filter((f) => !owned.includes(f.id));
    const newest = others.at(-1)?.id;
    const base = await target.base(others);
    const operations = await planChanges(base, config.desired, {
      online: config.online,
      normalized: target.normalized,
      introspected: target.introspected,
    }).catch(async (error) => {
      throw lockTimedOut(error) ? await lockError(base, { schemas: config.desired.schemas }, error) : error;
    });
    const groups = migrationBoundaries(operations);
    // The owned files are planned on top of every other file, so they must
    // also sort after them: new ids when a newer file arrived (a git pull).
    const first = owned.length > 0 && (newest === undefined || newest < owned[0]) ? owned[0] : nextMigrationId(files);
    const ids: string[] = [];
    for (const _ of groups) ids.push(ids.length === 0 ? first : migrationIdAfter(ids.at(-1)!));
    const write = async () => {
      const createdAt = new Date().toISOString();
      for (const [i, group] of groups.entries()) {
        const destructive = destructiveChanges(group).length > 0;
        await writeMigration(dir, {
          format: FORMAT_VERSION,
          id: ids[i],
          createdAt,
          allowDestructive: destructive && allowDestructive,
          operations: group,
        });
      }
      for (const file of current) {
        if (ids.includes(file.id)) continue;
        await Deno.remove(file.path).catch((error) => {
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        });
      }
    };
    const applied = current.length === 0
      ? (await write(), [])
      : await target.unlessApplied(current.map((f) => f.id), current.map((f) => f.path).join(", "), write);
    if (applied.length > 0) {
      // Applied meanwhile: those are no longer ours; plan again, on a base that includes them.
      released.push(...current.filter((f) => applied.includes(f.id)).map((f) => f.path));
      owned = owned.filter((id) => !applied.includes(id));
      continue;
    }
    return {
      ownedIds: ids,
      operations,
      destructive: destructiveChanges(operations),
      paths: ids.map((id) => join(dir, `${id}.json`)),
      against: base.label,
      released,
    };
  }
}

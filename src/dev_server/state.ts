/**
 * The persistent dev database (`kyrage dev start`): where its data and its
 * state file live (`.kyrage/dev-server/` beside the config), and whether it
 * runs.
 */
import { join } from "node:path";
import { tryLockFile } from "../file_lock.ts";

export interface DevServerState {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
}

export function devServerDir(configDir: string): string {
  return join(configDir, ".kyrage", "dev-server");
}

export const stateFile = (dir: string) => join(dir, "state.json");
export const dataDir = (dir: string) => join(dir, "data");
export const logFile = (dir: string) => join(dir, "server.log");
/** Held by the server process while it lives: an OS lock dies with it, even under SIGKILL. */
export const serverLockFile = (dir: string) => join(dir, "server.lock");

export async function readState(dir: string): Promise<DevServerState | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(stateFile(dir))) as DevServerState;
  } catch {
    return undefined;
  }
}

/** Whether a server process holds `dir` (serving, or still starting: it takes the lock first). */
export async function serverHolds(dir: string): Promise<boolean> {
  const probe = await tryLockFile(serverLockFile(dir)).catch(() => null);
  if (probe === null) return false; // no directory: no server
  probe?.close();
  return probe === undefined;
}

/**
 * The state of a server that is alive (holds its lock) and answers on its
 * port; undefined when none is. A state file a killed server left, its port
 * since taken by something else, is not one.
 */
export async function runningServer(dir: string): Promise<DevServerState | undefined> {
  const state = await readState(dir);
  if (!state) return undefined;
  const probe = await tryLockFile(serverLockFile(dir)).catch(() => undefined);
  if (probe) {
    probe.close();
    return undefined;
  }
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: state.port });
    conn.close();
    return state;
  } catch {
    return undefined;
  }
}

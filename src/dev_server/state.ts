/**
 * The persistent dev database (`kyrage dev start`): where its data and its
 * state file live (`.kyrage/dev-server/` beside the config), and whether it
 * runs.
 */
import { join } from "node:path";

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

export async function readState(dir: string): Promise<DevServerState | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(stateFile(dir))) as DevServerState;
  } catch {
    return undefined;
  }
}

/** The state of a server that answers on its port; undefined when none does. */
export async function runningServer(dir: string): Promise<DevServerState | undefined> {
  const state = await readState(dir);
  if (!state) return undefined;
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: state.port });
    conn.close();
    return state;
  } catch {
    return undefined;
  }
}

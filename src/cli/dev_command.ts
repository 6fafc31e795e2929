/**
 * `kyrage dev start | status | get-url | clean`: a persistent dev database
 * without Docker. `start` launches a detached kyrage process serving a PGlite
 * database with every migration applied on a local port (state and data in
 * `.kyrage/dev-server/`); while it runs, `--dev` commands use it.
 */
import { fileURLToPath } from "node:url";
import { loadConfig } from "../config/load.ts";
import { devServerDir, logFile, runningServer, serverHolds, stateFile } from "../dev_server/state.ts";
import { KyrageError, messageOf } from "../errors.ts";
import { configPathOf } from "./context.ts";
import type { Output } from "./output.ts";

export type DevAction = "start" | "status" | "get-url" | "clean" | "serve";

const START_TIMEOUT_MS = 120_000;

export async function devCommand(action: DevAction, options: { config: string; port?: string }, out: Output) {
  const config = await loadConfig(configPathOf(options));
  const dir = devServerDir(config.dir);
  const running = await runningServer(dir);
  switch (action) {
    case "serve": {
      const { serveDevDatabase } = await import("../dev_server/serve.ts");
      try {
        await serveDevDatabase(dir, config.migrationsDir, Number(options.port));
      } catch (error) {
        // Its output goes nowhere (it is detached): `dev start` reads why from the log.
        await Deno.writeTextFile(logFile(dir), messageOf(error));
        throw error;
      }
      return 0;
    }
    case "start": {
      if (running) {
        out.line(`The dev database already runs: ${running.url}`);
        return 0;
      }
      await Deno.mkdir(dir, { recursive: true });
      await Deno.remove(logFile(dir)).catch(() => {});
      // Left by a server that was killed: it must not be read as the new one's.
      if (!(await serverHolds(dir))) await Deno.remove(stateFile(dir)).catch(() => {});
      const port = options.port !== undefined ? Number(options.port) : freePort();
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new KyrageError(
          `--port takes a port number from 1 to 65535, not "${options.port}". Nothing was started.`,
        );
      }
      const child = new Deno.Command(Deno.execPath(), {
        args: [...selfArgs(), "dev", "serve", "--config", config.path, "--port", String(port)],
        stdin: "null",
        stdout: "null",
        stderr: "null",
        detached: true,
      }).spawn();
      child.unref();
      let exited = false;
      child.status.then(() => exited = true);
      const started = await waitFor(async () => {
        if (!exited) return await runningServer(dir);
        const log = await Deno.readTextFile(logFile(dir)).catch(() => "no reason given");
        throw new KyrageError(`The dev database server stopped before it was ready: ${log}`);
      }, START_TIMEOUT_MS);
      if (!started) {
        throw new KyrageError(
          `The dev database did not start within ${START_TIMEOUT_MS / 1000} s (see ${logFile(dir)} if present).`,
        );
      }
      out.line(`Dev database ready, every migration in ${config.migrationsDir} applied: ${started.url}`);
      return 0;
    }
    case "status":
      out.line(running ? `Running: ${running.url} (pid ${running.pid})` : "The dev database is not running.");
      return 0;
    case "get-url":
      if (!running) throw new KyrageError("The dev database is not running; start it with `kyrage dev start`.");
      out.line(running.url);
      return 0;
    case "clean": {
      let server = running;
      if (!server && (await serverHolds(dir))) {
        // Still starting (it holds its lock, has no state yet): removing its files now would orphan it.
        out.error("A dev database server is starting; waiting for it, to stop it...");
        server = await waitFor(
          async () => await runningServer(dir) ?? ((await serverHolds(dir)) ? undefined : null),
          START_TIMEOUT_MS,
        ) ?? undefined;
      }
      if (server) {
        Deno.kill(server.pid, "SIGTERM");
        await waitFor(async () => (await serverHolds(dir)) ? undefined : true, 30_000);
      }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      out.line(server ? `Stopped the dev database and removed its data (${dir}).` : `Removed ${dir}.`);
      return 0;
    }
  }
}

/** How to run this kyrage again: the compiled binary is itself; under `deno run`, the same entry point. */
function selfArgs(): string[] {
  if (!/(^|[\\/])deno(\.exe)?$/.test(Deno.execPath())) return [];
  return [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-net",
    "--allow-env",
    "--allow-sys=userInfo",
    "--config",
    // Paths, not URL pathnames: a checkout under a path with spaces is percent-encoded in its URL.
    fileURLToPath(new URL("../deno.json", Deno.mainModule)),
    fileURLToPath(Deno.mainModule),
  ];
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

/**
 * `kyrage dev` when things go wrong: a port in use makes `dev start` fail
 * at once with the reason (not after its two-minute wait); a server killed
 * with SIGKILL shows as not running, even once something else listens on
 * its port, `dev clean` then still cleans, and `dev start` brings it back
 * with its data.
 */
import assert from "node:assert/strict";
import { runCli, tempProject } from "../support/cli.ts";

const CONFIG = `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ tables: [t("members", { id: c("integer", { primaryKey: true }) })] });`;

Deno.test({
  name: "dev start on a port in use fails with the reason, at once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ "kyrage.config.ts": CONFIG });
    const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (busy.addr as Deno.NetAddr).port;
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    try {
      // Well under START_TIMEOUT_MS: the start sees its server exit.
      const gaveUp = Promise.withResolvers<undefined>();
      const timer = setTimeout(() => gaveUp.resolve(undefined), 90_000);
      const start = await Promise.race([cli("dev", "start", "--port", String(port)), gaveUp.promise]);
      clearTimeout(timer);
      assert.ok(start, "dev start returned before its two-minute wait");
      assert.equal(start.code, 1, start.stdout);
      assert.match(start.stderr, /stopped before it was ready: .*(in use|AddrInUse)/i);
      assert.match((await cli("dev", "status")).stdout, /not running/);
    } finally {
      busy.close();
      await cli("dev", "clean");
    }
  },
});

Deno.test({
  name: "dev status after the server is killed with SIGKILL says not running; dev start restarts it with its data",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ "kyrage.config.ts": CONFIG });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    try {
      assert.equal((await cli("generate", "--dev")).code, 0);
      const start = await cli("dev", "start");
      assert.equal(start.code, 0, start.stderr);
      const state = JSON.parse(await Deno.readTextFile(`${dir}/.kyrage/dev-server/state.json`));
      Deno.kill(state.pid, "SIGKILL");
      let status = await cli("dev", "status");
      for (let i = 0; i < 50 && !/not running/.test(status.stdout); i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = await cli("dev", "status");
      }
      assert.match(status.stdout, /not running/);
      assert.equal((await cli("dev", "get-url")).code, 1);

      const again = await cli("dev", "start");
      assert.equal(again.code, 0, again.stderr);
      const plan = await cli("plan", "--dev");
      assert.equal(plan.code, 0, plan.stderr);
      assert.match(plan.stdout, /No changes: the dev database served by `kyrage dev start`/);
    } finally {
      await cli("dev", "clean");
    }
  },
});

Deno.test({
  name: "a SIGKILLed dev server whose port something else took is not running; dev clean removes its data",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ "kyrage.config.ts": CONFIG });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    let squatter: Deno.Listener | undefined;
    try {
      const start = await cli("dev", "start");
      assert.equal(start.code, 0, start.stderr);
      const state = JSON.parse(await Deno.readTextFile(`${dir}/.kyrage/dev-server/state.json`));
      Deno.kill(state.pid, "SIGKILL");
      for (let i = 0; i < 50 && !squatter; i++) {
        try {
          squatter = Deno.listen({ hostname: "127.0.0.1", port: state.port });
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      assert.ok(squatter, "the killed server's port is free again");
      assert.match((await cli("dev", "status")).stdout, /not running/);
      assert.equal((await cli("dev", "get-url")).code, 1);
      const clean = await cli("dev", "clean");
      assert.equal(clean.code, 0, clean.stderr);
      assert.equal(await Deno.stat(`${dir}/.kyrage/dev-server`).then(() => true, () => false), false);
    } finally {
      squatter?.close();
      await cli("dev", "clean");
    }
  },
});

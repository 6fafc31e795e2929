/**
 * `kyrage dev start | status | get-url | clean`: a PGlite database with the
 * migrations applied, served detached on a local port; psql reaches it,
 * `--dev` commands and `watch --dev` use it (and keep its data; `generate --dev`
 * applies its new file there at once), `clean` stops it.
 */
import assert from "node:assert/strict";
import { runCli, spawnCli, tempProject } from "../support/cli.ts";
import { watchOutput } from "../support/sessions.ts";

async function psql(url: string, query: string): Promise<string> {
  const output = await new Deno.Command("psql", { args: [url, "-XAtc", query], stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return text.trim();
}

Deno.test({
  name: "dev start serves the migrated database to psql; --dev uses it; clean stops it and removes its data",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const config = (columns: string) =>
      `import { column as c, defineConfig, defineTable as t } from "kyrage";
export default defineConfig({ tables: [t("members", { id: c("uuid", { primaryKey: true }), ${columns} })] });`;
    const dir = await tempProject({ "kyrage.config.ts": config(`email: c("text")`) });
    const cli = (...args: string[]) => runCli(args, { cwd: dir });
    try {
      assert.equal((await cli("generate", "--dev")).code, 0);
      const start = await cli("dev", "start");
      assert.equal(start.code, 0, start.stderr);
      assert.match((await cli("dev", "status")).stdout, /^Running: postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);
      const url = (await cli("dev", "get-url")).stdout.trim();
      assert.match(url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);

      await psql(url, `insert into members (id, email) values (gen_random_uuid(), 'a@example.com')`);
      await Deno.writeTextFile(`${dir}/kyrage.config.ts`, config(`email: c("text"), age: c("integer")`));
      const generated = await cli("generate", "--dev");
      assert.equal(generated.code, 0, generated.stderr);
      assert.match(generated.stdout, /\+ column public\.members\.age integer/);
      assert.match(generated.stdout, /Applied it to the dev database served by `kyrage dev start`/);
      // As upstream does, the new file is on the running server at once, before any other command.
      assert.equal(
        await psql(
          url,
          "select count(*) || ' ' || string_agg(attname, ',') from members, pg_attribute " +
            "where attrelid = 'members'::regclass and attname = 'age'",
        ),
        "1 age",
        "new column there, data kept",
      );
      const plan = await cli("plan", "--dev");
      assert.match(plan.stdout, /No changes: the dev database served by `kyrage dev start`/);

      // watch --dev plans on the running server too, and only writes a pending file.
      await Deno.writeTextFile(
        `${dir}/kyrage.config.ts`,
        config(`email: c("text"), age: c("integer"), nick: c("text")`),
      );
      const watch = spawnCli(["watch", "--dev"], { cwd: dir });
      const output = watchOutput(watch);
      try {
        await output.printed(/1 operation against the dev database served by `kyrage dev start`/);
        // Others can change a served dev database: every cycle reads it anew.
        await psql(url, "alter table members add column extra text");
        await Deno.writeTextFile(
          `${dir}/kyrage.config.ts`,
          config(`email: c("text"), age: c("integer"), nick: c("text", { comment: "n" })`),
        );
        await output.printed(/DROP COLUMN "extra"/);
      } finally {
        watch.kill("SIGINT");
        await output.finished();
      }
      assert.equal(
        await psql(url, "select count(*) from pg_attribute where attrelid = 'members'::regclass and attname = 'nick'"),
        "0",
      );

      const clean = await cli("dev", "clean");
      assert.equal(clean.code, 0, clean.stderr);
      assert.match((await cli("dev", "status")).stdout, /not running/);
      assert.equal((await cli("dev", "get-url")).code, 1);
      assert.equal(await Deno.stat(`${dir}/.kyrage/dev-server`).then(() => true, () => false), false);
    } finally {
      await cli("dev", "clean");
    }
  },
});

/**
 * The whole test suite (`deno task test`): starts a throwaway PostgreSQL
 * server (unless KYRAGE_TEST_DATABASE_URL names one), prepares a PGlite
 * template data directory that tests copy instead of paying PGlite's first
 * start each time, runs `deno test`, and ends with `N passed, N failed`.
 */
import { startPostgres } from "./postgres_server.ts";
import { createPgliteTemplate } from "../tests/support/pglite_template.ts";

const server = Deno.env.get("KYRAGE_TEST_DATABASE_URL") ? undefined : await startPostgres();
const template = Deno.env.get("KYRAGE_TEST_PGLITE_TEMPLATE") ?? await createPgliteTemplate();
// Every temp dir the tests make (projects, PGlite copies) lands here and goes with it.
const scratch = await Deno.makeTempDir({ prefix: "kyrage-test-run-" });
let code = 1;
// Ctrl-C or a CI timeout must not leave a server running.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    await server?.stop();
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
    Deno.exit(130);
  });
}
try {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", ...Deno.args],
    env: {
      KYRAGE_TEST_DATABASE_URL: Deno.env.get("KYRAGE_TEST_DATABASE_URL") ?? server!.url,
      KYRAGE_TEST_PGLITE_TEMPLATE: template,
      NO_COLOR: "1",
      TMPDIR: scratch,
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let summary = "";
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const match = /^(ok|FAILED) \| (\d+) passed.*\| (\d+) failed/.exec(line);
      if (match) summary = `${match[2]} passed, ${match[3]} failed`;
    }
  }
  code = (await child.status).code;
  // deno-lint-ignore no-console -- the summary line CI reads
  console.log(summary ? `\n${summary}` : "\n0 passed, 1 failed (the test run did not finish)");
} finally {
  await server?.stop();
  await Deno.remove(scratch, { recursive: true }).catch(() => {});
  if (!Deno.env.get("KYRAGE_TEST_PGLITE_TEMPLATE")) await Deno.remove(template, { recursive: true }).catch(() => {});
}
Deno.exit(code);

/**
 * The main job on the embedded database (`deno task demo`): a fresh copy of
 * examples/basic in .kyrage/demo, taken from nothing to applied with the
 * real CLI — plan, generate, apply, then a plan that must be empty. No
 * server needed: the example has no `database`, so kyrage uses PGlite.
 */
import { fileURLToPath } from "node:url";
// A path, not a URL pathname: a checkout under a path with spaces is percent-encoded in its URL.
const root = fileURLToPath(new URL("../", import.meta.url));
const demo = `${root}.kyrage/demo`;

await Deno.remove(demo, { recursive: true }).catch(() => {});
await Deno.mkdir(demo, { recursive: true });
for (const name of ["kyrage.config.ts", "schema.ts"]) {
  await Deno.copyFile(`${root}examples/basic/${name}`, `${demo}/${name}`);
}

async function kyrage(...args: string[]): Promise<void> {
  // deno-lint-ignore no-console -- the demo narrates its steps
  console.log(`\n$ kyrage ${args.join(" ")}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "--quiet",
      "--config",
      `${root}deno.json`,
      "kyrage",
      ...args,
      "--config",
      `${demo}/kyrage.config.ts`,
    ],
    env: { DATABASE_URL: "" },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) Deno.exit(code);
}

await kyrage("plan");
await kyrage("generate");
await kyrage("apply");
await kyrage("plan", "--exit-code");
// deno-lint-ignore no-console -- the demo narrates its steps
console.log(`\nDone: ${demo} is applied to its embedded database (.kyrage/pglite there).`);

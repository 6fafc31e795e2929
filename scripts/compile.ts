/**
 * Build the single binary: `deno task compile` (this machine) or
 * `deno task compile:all` (Linux x64/arm64, macOS x64/arm64, Windows x64)
 * into dist/. `deno compile` needs its `denort` base binary for each target:
 * it downloads it from the Deno release host, or uses DENORT_BIN when set.
 */
import { fileURLToPath } from "node:url";
import { RUNTIME_PERMISSIONS } from "./permissions.ts";

const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

// A path, not a URL pathname: a checkout under a path with spaces is percent-encoded in its URL.
const root = fileURLToPath(new URL("../", import.meta.url));
const all = Deno.args.includes("--all");
const builds = all
  ? TARGETS.map((target) => ({ target, output: `dist/kyrage-${target}${target.includes("windows") ? ".exe" : ""}` }))
  : [{ target: undefined, output: "dist/kyrage" }];

for (const { target, output } of builds) {
  const args = [
    "compile",
    "--config",
    "deno.json",
    ...RUNTIME_PERMISSIONS,
    // Configs written for Node import "./schema" without an extension (deno.json says so too).
    "--unstable-sloppy-imports",
    // Workers are loaded by URL at run time, so they are named here.
    "--include",
    "src/watch/config_worker.ts",
    "--include",
    "src/dialect/pglite/image_worker.ts",
    ...(target ? ["--target", target] : []),
    "--output",
    output,
    "src/main.ts",
  ];
  const result = await new Deno.Command(Deno.execPath(), { args, cwd: root, stdout: "inherit", stderr: "piped" })
    .output();
  const stderr = new TextDecoder().decode(result.stderr);
  await Deno.stderr.write(result.stderr);
  if (!result.success) {
    const unreachable = /error sending request|dns error|Connect|Could not find denort/i.test(stderr);
    const message = unreachable
      ? `kyrage: could not get the denort base binary for ${target ?? "this machine"}. ` +
        (Deno.env.get("DENORT_BIN")
          ? `DENORT_BIN=${Deno.env.get("DENORT_BIN")} is not a usable denort binary.`
          : "deno compile downloads it from the Deno release host, which is unreachable from here; download " +
            `denort for Deno ${Deno.version.deno} and your target, then rerun with DENORT_BIN=/path/to/denort.`)
      : `kyrage: deno compile failed for ${target ?? "this machine"}.`;
    // deno-lint-ignore no-console -- a build script reports to its user
    console.error(`\n${message}`);
    Deno.exit(1);
  }
  // deno-lint-ignore no-console -- a build script reports to its user
  console.log(`built ${output}`);
}

/** Run the real CLI as a process, the way a user does. */
import { copyDir } from "./pglite_template.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const MAIN = `${ROOT}src/main.ts`;
export const DENO_CONFIG = `${ROOT}deno.json`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliResult> {
  // The caller's DATABASE_URL never leaks into a test, and INIT_CWD (set by
  // `deno task`) would override the cwd the test chose.
  const { DATABASE_URL: _url, INIT_CWD: _cwd, ...inherited } = Deno.env.toObject();
  const env: Record<string, string> = { ...inherited, NO_COLOR: "1", ...options.env };
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", DENO_CONFIG, MAIN, ...args],
    cwd: options.cwd,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

/** A temp project: a config (plus extra files), and a PGlite copy when asked. */
export async function tempProject(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "kyrage-project-" });
  for (const [name, text] of Object.entries(files)) {
    const path = `${dir}/${name}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, text);
  }
  return dir;
}

/** Copy `examples/<name>` to a temp dir, without migrations or local state. */
export async function copyExample(name: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: `kyrage-example-${name}-` });
  await copyDir(`${ROOT}examples/${name}`, dir);
  await Deno.remove(`${dir}/migrations`, { recursive: true }).catch(() => {});
  await Deno.remove(`${dir}/.kyrage`, { recursive: true }).catch(() => {});
  return dir;
}

/** Start the CLI without waiting for it (for kill and concurrency tests). */
export function spawnCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Deno.ChildProcess {
  const { DATABASE_URL: _url, INIT_CWD: _cwd, ...inherited } = Deno.env.toObject();
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", DENO_CONFIG, MAIN, ...args],
    cwd: options.cwd,
    env: { ...inherited, NO_COLOR: "1", ...options.env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Run `kyrage watch` until its first cycle reports an error, then stop it as Ctrl-C does. */
export async function watchUntilError(cwd: string, args: string[], env: Record<string, string>): Promise<string> {
  const { DATABASE_URL: _url, INIT_CWD: _cwd, ...inherited } = Deno.env.toObject();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", DENO_CONFIG, MAIN, "watch", ...args],
    cwd,
    env: { ...inherited, NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  let stderr = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stderr) {
    stderr += decoder.decode(chunk, { stream: true });
    if (/error: .*\n/.test(stderr)) child.kill("SIGINT");
  }
  await child.status;
  return (await stdout) + stderr;
}

/** The config's `database` block for a test database. */
export function databaseBlock(target: { databaseUrl?: string; dataDir?: string }): string {
  return target.databaseUrl
    ? `{ dialect: "postgres", connectionString: ${JSON.stringify(target.databaseUrl)} }`
    : `{ dialect: "pglite", dataDir: ${JSON.stringify(target.dataDir)} }`;
}

/** A project whose config targets the given test database. */
export function projectFor(
  target: { databaseUrl?: string; dataDir?: string },
  tables: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const database = databaseBlock(target);
  return tempProject({
    "kyrage.config.ts": `import { column, defineConfig, defineEnum, defineTable } from "kyrage";
export default defineConfig({ database: ${database}, tables: [${tables}] });`,
    ...extra,
  });
}

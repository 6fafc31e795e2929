/**
 * kyrage CLI entry point: the only place that exits. Each command's code is
 * imported when that command runs, so `--help` loads no driver or config.
 */
import { Argument, Command, Option } from "commander";
import denoJson from "../deno.json" with { type: "json" };
import { DEFAULT_CONFIG } from "./config/defaults.ts";
import { Output } from "./cli/output.ts";
import { onInitializing } from "./dialect/pglite/initializing.ts";

const out = new Output();
onInitializing(() =>
  out.progress(
    "Initializing the embedded PostgreSQL (PGlite)...",
    "this happens once per machine, later databases start from a cached image",
  )
);

const configOption = () => new Option("-c, --config <path>", "config file").default(DEFAULT_CONFIG);
const databaseUrlOption = () =>
  new Option("--database-url <url>", "PostgreSQL connection string (overrides DATABASE_URL and the config)");

/** A subcommand with the options every command takes. */
function command(name: string, description: string) {
  return program.command(name).description(description).addOption(configOption()).addOption(databaseUrlOption());
}

const program = new Command()
  .name("kyrage")
  .description("Declarative PostgreSQL schema migrations: diff kyrage.config.ts against a database.")
  .version(denoJson.version, "-V, --version")
  .showHelpAfterError()
  .exitOverride();

command("plan", "print the SQL that would bring the database to the config")
  .option("--dev", "plan against the migration history replayed on an in-memory database, not the target")
  .option("--exit-code", "exit 2 when there are changes (for CI drift checks)")
  .option("--json", "machine-readable output")
  .option("--no-online", "plain DDL: no concurrent builds, no NOT VALID + VALIDATE (e.g. for a maintenance window)")
  .action(async (options) => {
    const { planCommand } = await import("./cli/plan_command.ts");
    Deno.exitCode = await planCommand(options, out);
  });

command("generate", "write the difference as a new migration file")
  .option("--dev", "plan against the migration history replayed on an in-memory database, not the target")
  .option("--squash", "replace all pending migrations with one")
  .option("--ignore-pending", "generate even if migrations are not applied yet")
  .option("--allow-destructive", "allow operations that can lose data (recorded in the file)")
  .option("--no-online", "plain DDL: no concurrent builds, no NOT VALID + VALIDATE (e.g. for a maintenance window)")
  .option("--sql-step", "write an empty hand-written SQL step as the newest migration (a data backfill), to fill in")
  .addOption(
    new Option("--max-lock <level>", "refuse statements holding a stronger lock than this while they work")
      .choices(["access-exclusive", "share", "none"] as const),
  )
  .action(async (options) => {
    const { generateCommand } = await import("./cli/generate_command.ts");
    Deno.exitCode = await generateCommand(options, out);
  });

command("apply", "apply pending migrations")
  .option("--dry-run", "print the SQL of pending migrations and change nothing")
  .option("--plan", "the same as --dry-run (the spelling of @izumisy/kyrage)")
  .option("--pretty", "with --dry-run or --plan: one clause per line")
  .addOption(new Option("--lock-timeout <seconds>", "how long to wait for another kyrage apply").default("300"))
  .addOption(
    new Option("--statement-lock-timeout <duration>", "PostgreSQL lock_timeout for migration statements").default(
      "10s",
    ),
  )
  .action(async (options) => {
    const { applyCommand } = await import("./cli/apply_command.ts");
    Deno.exitCode = await applyCommand(options, out);
  });

program.command("check").description("replay all migrations on a fresh in-memory database and compare with the config")
  .addOption(configOption())
  .action(async (options) => {
    const { checkCommand } = await import("./cli/check_command.ts");
    Deno.exitCode = await checkCommand(options, out);
  });

command("status", "list applied, pending and tampered migrations, and schema drift")
  .option("--json", "machine-readable output")
  .option("--exit-code", "exit 2 when migrations are pending or the schema drifted")
  .action(async (options) => {
    const { statusCommand } = await import("./cli/status_command.ts");
    Deno.exitCode = await statusCommand(options, out);
  });

command("watch", "re-plan on every save of the config or its imports; keep one pending migration in sync")
  .option(
    "--dev",
    "plan against the migration history replayed on an in-memory database (the default without a database)",
  )
  .option("--allow-destructive", "record destructive changes as allowed in the watched migration")
  .option("--no-online", "plain DDL: no concurrent builds, no NOT VALID + VALIDATE")
  .action(async (options) => {
    const { watchCommand } = await import("./cli/watch_command.ts");
    Deno.exitCode = await watchCommand(options, out).catch(reportError);
    // A config stuck in an endless loop keeps its Worker's thread running after
    // terminate() (denoland/deno#35657), which would keep the process alive.
    Deno.exit();
  });

command("pull", "write the live database's schema as kyrage DSL (adopt an existing database)")
  .addOption(new Option("-o, --out <path>", "file to write").default("schema.ts"))
  .option("--baseline", "also write an initial migration and record it as applied (nothing is run)")
  .option("--schema <names>", "comma-separated schemas to pull (default: the config's, or public)")
  .option("--force", "overwrite the output file")
  .action(async (options) => {
    const { pullCommand } = await import("./cli/pull_command.ts");
    Deno.exitCode = await pullCommand(options, out);
  });

command("import-upstream", "convert @izumisy/kyrage's migrations/*.json and record those it applied (runs nothing)")
  .action(async (options) => {
    const { importUpstreamCommand } = await import("./cli/import_upstream_command.ts");
    Deno.exitCode = await importUpstreamCommand(options, out);
  });

program.command("dev").description("a persistent dev database without Docker: start | status | get-url | clean")
  .addArgument(new Argument("<action>").choices(["start", "status", "get-url", "clean", "serve"] as const))
  .addOption(configOption())
  .addOption(new Option("--port <port>", "port for dev start (default: a free one)"))
  .action(async (action, options) => {
    const { devCommand } = await import("./cli/dev_command.ts");
    Deno.exitCode = await devCommand(action, options, out);
  });

command("rebaseline", "accept edited or deleted applied migration files (records their current checksums)")
  .action(async (options) => {
    const { rebaselineCommand } = await import("./cli/rebaseline_command.ts");
    Deno.exitCode = await rebaselineCommand(options, out);
  });

try {
  await program.parseAsync(Deno.args, { from: "user" });
} catch (error) {
  Deno.exitCode = await reportError(error);
}

async function reportError(error: unknown): Promise<number> {
  const { CommanderError } = await import("commander");
  if (error instanceof CommanderError) {
    return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version"
      ? 0
      : 1;
  }
  const { KyrageError } = await import("./errors.ts");
  if (error instanceof KyrageError) {
    out.error(`error: ${error.message}`);
  } else if (error instanceof Error && refusedPath(error)) {
    out.error(
      `error: ${error.message}. kyrage keeps migrations/ and .kyrage/ beside the config: they must be writable directories.`,
    );
  } else {
    out.error(`kyrage: unexpected error (please report it): ${error instanceof Error ? error.stack : String(error)}`);
  }
  return 1;
}

/** The OS refused a path (a read-only project, a file where a directory belongs): the user's to fix, not a bug. */
function refusedPath(error: Error): boolean {
  const { PermissionDenied, NotFound, AlreadyExists, IsADirectory, NotADirectory, FilesystemLoop } = Deno.errors;
  const classes = [PermissionDenied, NotFound, AlreadyExists, IsADirectory, NotADirectory, FilesystemLoop];
  if (classes.some((type) => error instanceof type)) return true;
  // Errnos Deno has no class for (EROFS, ENOSPC, ENAMETOOLONG) come as a plain Error naming the errno and the path.
  return error.constructor === Error && /\(os error \d+\): \w+ '/.test(error.message);
}

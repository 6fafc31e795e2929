/**
 * A throwaway PostgreSQL cluster from the machine's binaries (initdb and
 * pg_ctl on PATH or under /usr/lib/postgresql/<version>/bin), in a temp dir,
 * on a free port. PostgreSQL refuses to run as root, so as root the cluster
 * runs as the `postgres` (or `nobody`) user.
 *
 * Local connections are trusted, except for members of SCRAM_GROUP over TCP:
 * their passwords are really checked (scram-sha-256), so tests can prove that
 * a password reaches the server intact and that no output shows it.
 */

/** Roles in this group must give their password (pg_hba.conf line above the trust lines). */
export const SCRAM_GROUP = "kyrage_scram";

export interface PostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

async function findBinDir(): Promise<string> {
  const candidates: string[] = [];
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => e.name)
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch { /* not a Debian layout */ }
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) candidates.push(dir);
  for (const dir of candidates) {
    try {
      for (const tool of ["initdb", "pg_ctl", "psql"]) await Deno.stat(`${dir}/${tool}`);
      return dir;
    } catch { /* keep looking */ }
  }
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl, psql) not found. Install them (Debian: apt-get install postgresql) " +
      "or set KYRAGE_TEST_DATABASE_URL to an existing server.",
  );
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function run(argv: string[], user: string | undefined): Promise<void> {
  const command = user ? ["runuser", "-u", user, "--", ...argv] : argv;
  const output = await new Deno.Command(command[0], { args: command.slice(1), stdout: "piped", stderr: "piped" })
    .output();
  if (!output.success) {
    throw new Error(
      `${argv.join(" ")} failed:\n${new TextDecoder().decode(output.stderr)}${new TextDecoder().decode(output.stdout)}`,
    );
  }
}

async function unprivilegedUser(): Promise<string | undefined> {
  if (Deno.uid() !== 0) return undefined;
  for (const user of ["postgres", "nobody"]) {
    const ok = await new Deno.Command("id", { args: ["-u", user], stdout: "null", stderr: "null" }).output();
    if (ok.success) return user;
  }
  throw new Error("Running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as.");
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = await findBinDir();
  const user = await unprivilegedUser();
  const root = await Deno.makeTempDir({ prefix: "kyrage-pg-" });
  const dataDir = `${root}/data`;
  if (user) await run(["chown", "-R", user, root], undefined);
  await Deno.chmod(root, 0o777);
  await run(
    [`${bin}/initdb`, "-D", dataDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"],
    user,
  );
  const hba = `${dataDir}/pg_hba.conf`;
  // Rewriting in place keeps the file's owner (the cluster's user) when run as root.
  await Deno.writeTextFile(
    hba,
    `host all +${SCRAM_GROUP} 127.0.0.1/32 scram-sha-256\n${await Deno.readTextFile(hba)}`,
  );
  const port = freePort();
  const options =
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200 -c max_locks_per_transaction=1024`;
  await run([`${bin}/pg_ctl`, "-D", dataDir, "-o", options, "-l", `${root}/log`, "-w", "start"], user);
  const stop = async () => {
    await run([`${bin}/pg_ctl`, "-D", dataDir, "-m", "immediate", "-w", "stop"], user).catch(() => {});
    await Deno.remove(root, { recursive: true }).catch(() => {});
  };
  try {
    await run([
      `${bin}/psql`,
      ...["-X", "-q", "-h", "127.0.0.1", "-p", `${port}`, "-U", "postgres", "-d", "postgres"],
      ...["-c", `create role ${SCRAM_GROUP} nologin`],
    ], undefined);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

/**
 * The permissions kyrage runs with, as narrow as its commands allow: the
 * single source for `deno compile` (scripts/compile.ts), the `kyrage` task
 * (checked against this list by tests/cli/compiled_mode_test.ts) and the
 * compiled-mode test.
 *
 * - read, write: the project is wherever the user runs it (config, its
 *   imports, migrations/, .kyrage/) plus the PGlite image cache;
 * - net: the database server, wherever it is;
 * - env: the connection string, where the user ran `deno task` from, the
 *   cache directory, commander's colour switches, and the PG* variables
 *   postgres.js reads;
 * - sys: postgres.js asks the OS user name as the default database user;
 * - run: `kyrage dev start` starts kyrage itself again, detached, to serve
 *   the dev database (nothing else is ever run).
 */
export const ENV_VARS = [
  "DATABASE_URL",
  // the config's environment section ($development, ...), as @izumisy/kyrage selects it:
  "KYRAGE_ENV",
  "NODE_ENV",
  "INIT_CWD",
  "HOME",
  "XDG_CACHE_HOME",
  // commander's colour switches, read by --help:
  "NO_COLOR",
  "FORCE_COLOR",
  "CLICOLOR_FORCE",
  "USER",
  "USERNAME",
  "LOGNAME",
  ...[
    "HOST",
    "PORT",
    "USER",
    "USERNAME",
    "PASSWORD",
    "DATABASE",
    "APPNAME",
    "TARGETSESSIONATTRS",
    "SSL",
    "SSLNEGOTIATION",
    "MAX",
    "IDLE_TIMEOUT",
    "CONNECT_TIMEOUT",
    "MAX_LIFETIME",
    "MAX_PIPELINE",
    "BACKOFF",
    "KEEP_ALIVE",
    "PREPARE",
    "DEBUG",
    "FETCH_TYPES",
    "PUBLICATIONS",
    "TARGET_SESSION_ATTRS",
  ].map((name) => `PG${name}`),
];

export const RUNTIME_PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-net",
  `--allow-env=${ENV_VARS.join(",")}`,
  "--allow-sys=userInfo",
  "--allow-run",
];

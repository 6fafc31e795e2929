/**
 * PostgreSQL connection strings, `postgres://` URLs and libpq `key=value`
 * lists, read without ever echoing them: problems are described in words,
 * labels are rebuilt from parsed parts, and `secretsOf` finds the password
 * even in a string that does not parse. Imports nothing, so the CLI printer
 * and the postgres driver can both use it without importing each other.
 */

export type SslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";
export type TargetSessionAttrs = "read-write" | "read-only" | "primary" | "standby" | "prefer-standby";

/** What postgres.js needs; what is absent comes from postgres.js's defaults (PG* variables, localhost:5432). */
export interface ConnectionSettings {
  /** Host names or IP addresses (IPv6 without brackets); empty for the default. */
  readonly hosts: readonly string[];
  /** One port for every host, or one per host; empty for the default. */
  readonly ports: readonly number[];
  /** A Unix-domain socket directory (a host starting with `/`), instead of `hosts`. */
  readonly socketDir?: string;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly sslmode?: SslMode;
  readonly connectTimeout?: number;
  readonly applicationName?: string;
  /** The `options` startup parameter, e.g. `-c search_path=app`. */
  readonly options?: string;
  readonly targetSessionAttrs?: TargetSessionAttrs;
}

export type ParsedConnectionString =
  | { readonly ok: true; readonly settings: ConnectionSettings; readonly label: string }
  /** `problem` completes "The connection string ..." and never quotes the string. */
  | { readonly ok: false; readonly problem: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
/** `psql://` as well: node-postgres (so @izumisy/kyrage) connects with it, and upstream's README writes it. */
const POSTGRES_SCHEMES = ["postgres", "postgresql", "psql"];
const SSL_MODES: readonly SslMode[] = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
const SESSION_ATTRS = ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"];
const KEYS = [
  "host",
  "port",
  "dbname",
  "user",
  "password",
  "sslmode",
  "application_name",
  "fallback_application_name",
  "connect_timeout",
  "options",
  "target_session_attrs",
];
const FORMS = "Write it as postgres://user:password@host:5432/dbname (percent-encode special characters " +
  "in the password) or as key=value settings (host=... port=... dbname=... user=... password='...')";

class Problem extends Error {}

/** Parse a connection string; never throws, and no result contains the password except `settings.password`. */
export function parseConnectionString(text: string): ParsedConnectionString {
  const secrets = secretsOf(text);
  try {
    const trimmed = text.trim();
    if (trimmed === "") throw new Problem(`is empty. ${FORMS}.`);
    const scheme = SCHEME.exec(trimmed)?.[1];
    if (scheme && trimmed.startsWith(`${scheme}://`)) return parseUrl(trimmed, scheme, secrets);
    if (!/^[A-Za-z_]\w*\s*=/.test(trimmed)) {
      throw new Problem(`is neither a postgres:// URL nor a list of key=value settings. ${FORMS}.`);
    }
    return parseKeyValues(trimmed, secrets);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    return { ok: false, problem: error.message };
  }
}

// --- URLs ---------------------------------------------------------------------------------------------------------

const HOST = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#@,:\[\]]*)(?::\d+)?`;
/** What may follow the user info: hosts, an optional database and query, nothing that belongs to a password. */
const AFTER_USERINFO = new RegExp(String.raw`^${HOST}(?:,${HOST})*(?:/[^\s/?#@]*)?(?:\?[^\s#]*)?$`);

/**
 * Where the user info of `rest` (the URL after `//`) ends: the first `@` after which the URL is well formed, else
 * the last `@` (an unencoded password may hold `@ : / ? %` and spaces, so `new URL` cannot be trusted with it).
 */
function userinfoEnds(rest: string): number[] {
  const ats = [...rest.matchAll(/@/g)].map((m) => m.index);
  if (ats.length === 0) return [];
  const wellFormed = ats.find((at) => AFTER_USERINFO.test(rest.slice(at + 1)));
  return [...new Set([wellFormed ?? ats[ats.length - 1], ats[ats.length - 1]])];
}

function parseUrl(text: string, scheme: string, secrets: readonly string[]): ParsedConnectionString {
  if (!POSTGRES_SCHEMES.includes(scheme.toLowerCase())) {
    throw new Problem(`is a ${scheme}:// URL, but kyrage works with PostgreSQL only. ${FORMS}.`);
  }
  const rest = text.slice(scheme.length + 3);
  const [at] = userinfoEnds(rest);
  let user: string | undefined;
  let password: string | undefined;
  if (at !== undefined) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(":");
    user = decodeUserinfo(colon < 0 ? userinfo : userinfo.slice(0, colon), "user name");
    password = colon < 0 ? undefined : decodeUserinfo(userinfo.slice(colon + 1), "password");
  }
  const afterUserinfo = rest.slice(at === undefined ? 0 : at + 1);
  if (/\s/.test(afterUserinfo)) throw new Problem(`contains a space after the user info (write it as %20). ${FORMS}.`);
  if (afterUserinfo.includes("#")) throw new Problem(`contains a # after the user info (write it as %23). ${FORMS}.`);
  const queryStart = afterUserinfo.indexOf("?");
  const beforeQuery = queryStart < 0 ? afterUserinfo : afterUserinfo.slice(0, queryStart);
  const slash = beforeQuery.indexOf("/");
  const hostList = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? "" : beforeQuery.slice(slash + 1);
  if (/[/@]/.test(path)) {
    throw new Problem(
      `has a database name containing / or @ (percent-encode them, or an unencoded password). ${FORMS}.`,
    );
  }
  const settings: Mutable = { hosts: [], ports: [], user, password };
  if (path) settings.database = decode(path, "database name");
  if (hostList) setHosts(settings, hostList.split(",").map(splitUrlHost));
  if (queryStart >= 0) {
    for (const pair of afterUserinfo.slice(queryStart + 1).split("&")) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      const key = decode(eq < 0 ? pair : pair.slice(0, eq), "query key");
      applySetting(settings, key, eq < 0 ? "" : decode(pair.slice(eq + 1), "setting value"), secrets);
    }
  }
  const final = finish(settings);
  return { ok: true, settings: final, label: urlLabel(scheme.toLowerCase() === "psql" ? "postgres" : scheme, final) };
}

function decodeUserinfo(raw: string, what: string): string {
  if (/[@/?#\s]/.test(raw) || /%(?![0-9A-Fa-f]{2})/.test(raw)) {
    throw new Problem(
      `has a ${what} that is not percent-encoded (it holds @, /, ?, #, % or a space): percent-encode it ` +
        "(encodeURIComponent), or give key=value settings instead (host=... dbname=... user=... password='...').",
    );
  }
  return decode(raw, what);
}

function decode(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new Problem(`has a ${what} with an invalid percent-encoding (a % must start %XX). ${FORMS}.`);
  }
}

function splitUrlHost(part: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(part);
  if (bracketed) return [bracketed[1], bracketed[2]];
  const colon = part.indexOf(":");
  const host = decode(colon < 0 ? part : part.slice(0, colon), "host");
  return [host, colon < 0 ? undefined : part.slice(colon + 1)];
}

function urlLabel(scheme: string, s: ConnectionSettings): string {
  const user = s.user === undefined ? "" : `${encodeURIComponent(s.user)}@`;
  const hosts = s.socketDir !== undefined ? encodeURIComponent(s.socketDir) : s.hosts.map((h, i) => {
    const port = s.ports[i] ?? s.ports[0];
    return `${h.includes(":") ? `[${h}]` : h}${port === undefined ? "" : `:${port}`}`;
  }).join(",");
  const database = s.database === undefined ? "" : `/${encodeURIComponent(s.database)}`;
  return `${scheme}://${user}${hosts}${database}`;
}

// --- key=value (libpq) ----------------------------------------------------------------------------------------------

interface Token {
  readonly key: string;
  readonly value: string;
}

/** libpq's conninfo syntax: `key = value` separated by spaces; `'quoted values'` with `\'` and `\\`. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const skipSpaces = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  for (skipSpaces(); i < text.length; skipSpaces()) {
    const key = /^[^\s=]*/.exec(text.slice(i))![0];
    i += key.length;
    skipSpaces();
    if (text[i] !== "=") {
      throw new Problem(`has a word without "=" (quote values that hold spaces: password='...'). ${FORMS}.`);
    }
    i++;
    skipSpaces();
    const read = readValue(text, i);
    if (read.unterminated) throw new Problem(`has a quoted value without its closing quote. ${FORMS}.`);
    tokens.push({ key, value: read.value });
    i = read.end;
  }
  return tokens;
}

function readValue(text: string, start: number): { value: string; raw: string; end: number; unterminated: boolean } {
  const quoted = text[start] === "'";
  let i = quoted ? start + 1 : start;
  let value = "";
  while (i < text.length) {
    const c = text[i];
    if (quoted ? c === "'" : /\s/.test(c)) break;
    if (c === "\\" && i + 1 < text.length) i++;
    value += text[i++];
  }
  const unterminated = quoted && i >= text.length;
  const end = quoted && !unterminated ? i + 1 : i;
  return { value, raw: text.slice(quoted ? start + 1 : start, i), end, unterminated };
}

function parseKeyValues(text: string, secrets: readonly string[]): ParsedConnectionString {
  const settings: Mutable = { hosts: [], ports: [] };
  for (const { key, value } of tokenize(text)) applySetting(settings, key, value, secrets);
  const final = finish(settings);
  const shown = [
    ["host", final.socketDir ?? final.hosts.join(",")],
    ["port", final.ports.join(",")],
    ["dbname", final.database],
    ["user", final.user],
  ].filter(([, v]) => v).map(([k, v]) => `${k}=${/[\s'\\]/.test(v!) ? quote(v!) : v}`);
  return { ok: true, settings: final, label: shown.join(" ") || "(PostgreSQL defaults)" };
}

function quote(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

// --- settings shared by URL queries and key=value lists --------------------------------------------------------------

type Mutable = { -readonly [K in keyof ConnectionSettings]: ConnectionSettings[K] } & {
  fallbackApplicationName?: string;
  rawPorts?: string[];
};

function applySetting(s: Mutable, key: string, value: string, secrets: readonly string[]): void {
  const invalid = (expected: string) => new Problem(`has an invalid ${key}: ${expected}. ${FORMS}.`);
  switch (key) {
    case "host":
      return setHosts(s, value === "" ? [] : value.split(",").map((h) => [h, undefined]));
    case "port":
      s.rawPorts = value === "" ? [] : value.split(",");
      return;
    case "dbname":
      s.database = value;
      return;
    case "user":
      s.user = value;
      return;
    case "password":
      s.password = value;
      return;
    case "sslmode":
      if (!(SSL_MODES as string[]).includes(value)) throw invalid(`use one of ${SSL_MODES.join(", ")}`);
      s.sslmode = value as SslMode;
      return;
    case "application_name":
      s.applicationName = value;
      return;
    case "fallback_application_name":
      s.fallbackApplicationName = value;
      return;
    case "connect_timeout":
      if (!/^\d+$/.test(value)) throw invalid("use a whole number of seconds (0 waits for ever)");
      s.connectTimeout = Number(value);
      return;
    case "options":
      s.options = value;
      return;
    case "target_session_attrs":
      if (!SESSION_ATTRS.includes(value)) throw invalid(`use one of ${SESSION_ATTRS.join(", ")}`);
      s.targetSessionAttrs = value === "any" ? undefined : value as TargetSessionAttrs;
      return;
  }
  // A "key" that could be the tail of an unquoted password with spaces is not named.
  const named = /^\w+$/.test(key) && !secrets.some((secret) => secret.includes(key)) ? ` "${key}"` : "";
  throw new Problem(
    `has an unknown setting${named}: kyrage understands ${KEYS.join(", ")} (quote values that hold spaces). ${FORMS}.`,
  );
}

function setHosts(s: Mutable, hosts: [string, string | undefined][]): void {
  if (hosts.some(([h]) => h === "")) throw new Problem(`has an empty host in its host list. ${FORMS}.`);
  const sockets = hosts.filter(([h]) => h.startsWith("/"));
  if (sockets.length > 0 && hosts.length > 1) {
    throw new Problem(`mixes a socket directory with other hosts; give one socket directory alone. ${FORMS}.`);
  }
  s.socketDir = sockets.length > 0 ? sockets[0][0] : undefined;
  s.hosts = sockets.length > 0 ? [] : hosts.map(([h]) => h);
  if (hosts.some(([, p]) => p !== undefined)) s.rawPorts = hosts.map(([, p]) => p ?? "");
}

/** Check what can only be checked once every setting is known. */
function finish(s: Mutable): ConnectionSettings {
  const { rawPorts, fallbackApplicationName, ...settings } = s;
  if (rawPorts !== undefined) {
    const count = Math.max(settings.hosts.length, 1);
    if (rawPorts.length > 1 && rawPorts.length !== count) {
      throw new Problem(`has ${rawPorts.length} ports for ${count} hosts: give one port, or one per host. ${FORMS}.`);
    }
    if (!rawPorts.every((p) => p === "" || (/^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535))) {
      throw new Problem(`has a port that is not a number from 1 to 65535. ${FORMS}.`);
    }
    settings.ports = rawPorts.map((p) => p === "" ? 5432 : Number(p));
  }
  settings.applicationName ??= fallbackApplicationName;
  if (settings.password === "") settings.password = undefined;
  return settings;
}

// --- secrets ------------------------------------------------------------------------------------------------------

/**
 * Every spelling of every password `text` may carry, found without parsing it: the URL user info up to each
 * plausible `@`, and the value of any `...password` key (to the end of the string as well when unquoted, since an
 * unquoted password with a space runs on). Raw and decoded forms; never throws.
 */
export function secretsOf(text: string): string[] {
  const found = new Set<string>();
  const add = (raw: string) => {
    if (raw === "") return;
    found.add(raw);
    try {
      found.add(decodeURIComponent(raw));
    } catch { /* not percent-encoded: the raw form is what gets printed */ }
  };
  const fromUserinfo = (rest: string) => {
    for (const at of userinfoEnds(rest)) {
      const userinfo = rest.slice(0, at);
      if (userinfo.includes(":")) add(userinfo.slice(userinfo.indexOf(":") + 1));
    }
  };
  // Any URL in the text, even behind a stray prefix (`DATABASE_URL=postgres://...`).
  for (const url of text.matchAll(/[A-Za-z][A-Za-z0-9+.-]*:\/\//g)) fromUserinfo(text.slice(url.index + url[0].length));
  // `user:password@host` without `//` (or with a scheme and one slash) is not a URL, but still holds a password.
  if (!text.includes("://") && !/^\s*\w+\s*=/.test(text)) {
    fromUserinfo(text.trim());
    fromUserinfo(text.trim().replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/*/, ""));
  }
  for (const match of text.matchAll(/(?:^|[\s?&;])\w*password\s*=\s*/gi)) {
    const start = match.index + match[0].length;
    const read = readValue(text, start);
    add(read.raw);
    add(read.value);
    const tail = text.slice(start);
    // In a URL query the value ends at `&`.
    add(tail.split("&")[0]);
    // Unquoted, a password with spaces runs on: each longer run of words may be it.
    if (text[start] !== "'" || read.unterminated) {
      for (const space of tail.matchAll(/\s+/g)) add(tail.slice(0, space.index));
      add(tail);
    }
  }
  return [...found];
}

/** The ways a password can appear in printed text: as is, percent-encoded, and as a URL serializer writes it. */
export function spellingsOf(secret: string): string[] {
  const url = new URL("postgres://host");
  url.password = secret;
  return [...new Set([secret, encodeURIComponent(secret), url.password])].filter((s) => s !== "");
}

/** Replace every spelling of every secret with `***`, longest first so no part of a longer one survives. */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  const all = [...new Set([...secrets].flatMap(spellingsOf))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of all) out = out.replaceAll(secret, "***");
  return out;
}

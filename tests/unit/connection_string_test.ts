/**
 * Layer 1 of secret scrubbing: the connection-string parser finds the password in every shape, builds labels
 * without it, and describes problems without quoting the string.
 */
import assert from "node:assert/strict";
import { parseConnectionString, scrubSecrets, secretsOf, spellingsOf } from "../../src/dialect/connection_string.ts";

const HARD = `p@ss:w/rd% 'x"`;
const ENCODED = encodeURIComponent(HARD);
/** libpq quoting: `\'` and `\\` inside single quotes. */
const QUOTED = `'${HARD.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

/** Nothing derived from `text` may show `password` in any spelling. */
function assertNoPassword(printed: string, password: string, what: string): void {
  for (const spelling of spellingsOf(password)) {
    assert.ok(!printed.includes(spelling), `${what} shows the password (${spelling}): ${printed}`);
  }
}

/** Every shape must give up its password to `secretsOf`, so output can be scrubbed of it. */
function assertFound(text: string, password: string): void {
  const secrets = secretsOf(text);
  assert.ok(secrets.includes(password), `password not found in ${text}: ${JSON.stringify(secrets)}`);
  assertNoPassword(scrubSecrets(text, secrets), password, `the scrubbed ${text}`);
}

// [connection string, its password, what parsing must say (undefined: it parses)]
const UNPARSABLE: [string, string, RegExp][] = [
  ["postgres://app:secret@127.0.0.1:5432x/db", "secret", /port that is not a number/],
  [`postgres://app:${HARD}@127.0.0.1:5432/db`, HARD, /password that is not percent-encoded/],
  ["postgres://app:p@ss:w/rd%@127.0.0.1:5432/db", "p@ss:w/rd%", /password that is not percent-encoded/],
  ["postgres://app:pass word@127.0.0.1:5432/db", "pass word", /password that is not percent-encoded/],
  ["postgres://app:secret@127.0.0.1:5432/my db", "secret", /contains a space/],
  ["postgres://app:12/ss@127.0.0.1/db", "12/ss", /password that is not percent-encoded/],
  [`postgres://app:${ENCODED}@127.0.0.1:5432x/db`, HARD, /port that is not a number/],
  [`postgres://app:${ENCODED}@127.0.0.1:5432/db?ssl=true`, HARD, /unknown setting "ssl"/],
  ["postgres://app:secret@127.0.0.1/db?sslmode=on", "secret", /invalid sslmode: use one of disable, allow/],
  [`mysql://app:${ENCODED}@127.0.0.1:3306/db`, HARD, /is a mysql:\/\/ URL, but kyrage works with PostgreSQL only/],
  ["http://app:secret@example.com/", "secret", /is a http:\/\/ URL/],
  [`host=127.0.0.1 user=app password=${HARD}`, HARD, /a word without "="/],
  [`host=127.0.0.1 user=app password=${QUOTED.slice(0, -1)}`, HARD, /quoted value without its closing quote/],
  ["host=127.0.0.1 password=my secret dbname=app", "my secret", /a word without "="/],
  ["host=127.0.0.1 password=my secret=x dbname=app", "my secret=x", /unknown setting:/],
  ["host=127.0.0.1 port=5432x password=secret", "secret", /port that is not a number/],
  ["host=127.0.0.1 colour=red password=secret", "secret", /unknown setting "colour"/],
  ["app:secret@127.0.0.1/db", "secret", /neither a postgres:\/\/ URL nor a list of key=value settings/],
  ["DATABASE_URL=postgres://app:secret@h/db", "secret", /unknown setting "DATABASE_URL"/],
];

for (const [text, password, problem] of UNPARSABLE) {
  Deno.test(`unparsable, password found, problem named without echo: ${text}`, () => {
    assertFound(text, password);
    const parsed = parseConnectionString(text);
    assert.ok(!parsed.ok, "refused");
    assert.match(parsed.problem, problem);
    assertNoPassword(parsed.problem, password, "the problem");
    assert.ok(!parsed.problem.includes(text), "the string is not quoted");
  });
}

// [connection string, expected settings (subset), expected label]
const PARSABLE: [string, Record<string, unknown>, string][] = [
  [
    `postgres://app:${ENCODED}@127.0.0.1:5432/db`,
    { hosts: ["127.0.0.1"], ports: [5432], user: "app", password: HARD, database: "db" },
    "postgres://app@127.0.0.1:5432/db",
  ],
  [
    "postgresql://app:secret@db.example.com/app_db?sslmode=require&application_name=kyrage&connect_timeout=3",
    { hosts: ["db.example.com"], ports: [], password: "secret", sslmode: "require", applicationName: "kyrage" },
    "postgresql://app@db.example.com/app_db",
  ],
  ["postgres://app@127.0.0.1/db", { user: "app", password: undefined }, "postgres://app@127.0.0.1/db"],
  ["postgres://app:@127.0.0.1/db", { user: "app", password: undefined }, "postgres://app@127.0.0.1/db"],
  ["postgres://127.0.0.1:6543", { hosts: ["127.0.0.1"], ports: [6543], user: undefined }, "postgres://127.0.0.1:6543"],
  ["postgres://app:a:b@h/db", { password: "a:b" }, "postgres://app@h/db"],
  [
    "postgres://app:secret@h1:5432,h2:5433/db?target_session_attrs=read-write",
    { hosts: ["h1", "h2"], ports: [5432, 5433], targetSessionAttrs: "read-write" },
    "postgres://app@h1:5432,h2:5433/db",
  ],
  ["postgres://app:secret@[::1]:5432/db", { hosts: ["::1"], ports: [5432] }, "postgres://app@[::1]:5432/db"],
  [
    "postgres://app:secret@%2Fvar%2Frun%2Fpostgresql/db",
    { hosts: [], socketDir: "/var/run/postgresql" },
    "postgres://app@%2Fvar%2Frun%2Fpostgresql/db",
  ],
  ["postgres://app@h/db?password=secret", { password: "secret" }, "postgres://app@h/db"],
  [
    "postgres://app:pw@h/db?application_name=me@home",
    { password: "pw", applicationName: "me@home" },
    "postgres://app@h/db",
  ],
  [
    `host=127.0.0.1 port=5432 dbname=db user=app password=${QUOTED}`,
    { hosts: ["127.0.0.1"], ports: [5432], database: "db", user: "app", password: HARD },
    "host=127.0.0.1 port=5432 dbname=db user=app",
  ],
  [
    "host = h1,h2 port=5432,5433 user=app password=unquoted options='-c search_path=app' sslmode=verify-full",
    { hosts: ["h1", "h2"], ports: [5432, 5433], password: "unquoted", options: "-c search_path=app" },
    "host=h1,h2 port=5432,5433 user=app",
  ],
  [
    String.raw`dbname='my db' user=a\ b password=back\\slash connect_timeout=0 fallback_application_name=x`,
    { database: "my db", user: "a b", password: "back\\slash", connectTimeout: 0, applicationName: "x" },
    String.raw`dbname='my db' user='a b'`,
  ],
  ["host=/tmp port=5433 password=''", { socketDir: "/tmp", ports: [5433], password: undefined }, "host=/tmp port=5433"],
];

for (const [text, expected, label] of PARSABLE) {
  Deno.test(`parses without leaking: ${text}`, () => {
    const parsed = parseConnectionString(text);
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.problem);
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual((parsed.settings as unknown as Record<string, unknown>)[key], value, key);
    }
    assert.equal(parsed.label, label);
    if (parsed.settings.password) {
      assertFound(text, parsed.settings.password);
      assertNoPassword(parsed.label, parsed.settings.password, "the label");
    }
  });
}

Deno.test("problems after an unquoted password never name what could be its tail", () => {
  const parsed = parseConnectionString("host=h password=correct horse=battery staple");
  assert.ok(!parsed.ok);
  assert.ok(!/horse|battery|staple/.test(parsed.problem), parsed.problem);
});

Deno.test("a port or host list that does not add up is refused", () => {
  for (
    const [text, problem] of [
      ["host=h1,h2,h3 port=1,2", /2 ports for 3 hosts/],
      ["postgres://app:secret@h1,,h2/db", /empty host/],
      ["host=/tmp,h2", /socket directory with other hosts/],
      ["postgres://app:secret@h:70000/db", /not a number from 1 to 65535/],
      ["  ", /is empty/],
      ["postgres://app:secret@h/db%zz", /database name with an invalid percent-encoding/],
    ] as const
  ) {
    const parsed = parseConnectionString(text);
    assert.ok(!parsed.ok, text);
    assert.match(parsed.problem, problem);
  }
});

Deno.test("scrubSecrets replaces every spelling, longest first", () => {
  assert.deepEqual(spellingsOf(HARD), [HARD, ENCODED, "p%40ss%3Aw%2Frd%%20'x%22"]);
  const text = `raw ${HARD} encoded ${ENCODED} serialized ${new URL(`postgres://a:${ENCODED}@h`).password} end`;
  assert.equal(scrubSecrets(text, [HARD]), "raw *** encoded *** serialized *** end");
  assert.equal(scrubSecrets("ab abc", ["ab", "abc"]), "*** ***");
});

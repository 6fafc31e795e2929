/**
 * Layer 2 of secret scrubbing: whatever a command prints, on stdout or stderr, the CLI's one printer replaces every
 * registered password, in every spelling it may be printed in.
 */
import assert from "node:assert/strict";
import { Output } from "../../src/cli/output.ts";
import { secretsOf } from "../../src/dialect/connection_string.ts";

const HARD = `p@ss:w/rd% 'x"`;

function capture(): { out: Output; printed: string[] } {
  const printed: string[] = [];
  const out = new Output({ stdout: (text) => printed.push(`1:${text}`), stderr: (text) => printed.push(`2:${text}`) });
  return { out, printed };
}

Deno.test("Output prints nothing registered as a secret, as is or percent-encoded, on either stream", () => {
  const { out, printed } = capture();
  out.addSecrets([HARD, "Second-Secret"]);
  const serialized = new URL(`postgres://a:${encodeURIComponent(HARD)}@h`).password;
  out.line(`raw ${HARD}`);
  out.line(`encoded postgres://app:${encodeURIComponent(HARD)}@h/db`);
  out.error(`serialized ${serialized}\nnext line Second-Secret`);
  out.error("Second-Secret twice: Second-Secret");
  assert.deepEqual(printed, [
    "1:raw ***",
    "1:encoded postgres://app:***@h/db",
    "2:serialized ***\nnext line ***",
    "2:*** twice: ***",
  ]);
});

Deno.test("Output scrubs the passwords of unparsable connection strings, registered through secretsOf", () => {
  const { out, printed } = capture();
  const strings = [
    `postgres://app:${HARD}@127.0.0.1:5432/db`,
    `host=127.0.0.1 password='${HARD.replaceAll("'", "\\'")}'`,
    `postgres://app:${encodeURIComponent(HARD)}@127.0.0.1:5432x/db`,
  ];
  for (const text of strings) out.addSecrets(secretsOf(text));
  // What a config that parses DATABASE_URL itself would throw: Deno's URL error quotes the string.
  for (const text of strings) out.error(`error: Cannot load config: Invalid URL: '${text}'`);
  for (const line of printed) {
    assert.ok(!line.includes(HARD) && !line.includes(encodeURIComponent(HARD)), line);
    assert.match(line, /^2:error: Cannot load config: Invalid URL: '.*\*\*\*/);
  }
});

Deno.test("Output prints lines unchanged when nothing is registered", () => {
  const { out, printed } = capture();
  out.addSecrets(secretsOf("postgres://app@127.0.0.1/db"));
  out.line("postgres://app@127.0.0.1/db");
  out.line();
  assert.deepEqual(printed, ["1:postgres://app@127.0.0.1/db", "1:"]);
});

Deno.test("Output.json scrubs string values before encoding, and never a field name", () => {
  const { out, printed } = capture();
  // `"` and `\` are escaped by JSON.stringify, `'` doubled in a SQL literal: each a spelling the text scrub missed.
  out.addSecrets([HARD, "pending"]);
  out.json({ pending: ["a pending one"], sql: `COMMENT ON TABLE t IS '${HARD.replaceAll("'", "''")}'`, raw: HARD });
  assert.equal(printed.length, 1);
  assert.deepEqual(JSON.parse(printed[0].slice(2)), {
    pending: ["a *** one"],
    sql: "COMMENT ON TABLE t IS '***'",
    raw: "***",
  });
});

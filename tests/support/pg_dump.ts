/**
 * `pg_dump --schema-only` of a server test database, as its statements
 * (each with all its lines), so two dumps compare whatever order the objects
 * were created in, and a difference shows the whole statement it is in.
 */
import assert from "node:assert/strict";

export async function pgDump(databaseUrl: string): Promise<string[]> {
  const out = await new Deno.Command("pg_dump", {
    args: ["--schema-only", "--no-owner", databaseUrl],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `pg_dump runs: ${new TextDecoder().decode(out.stderr)}`);
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    // Comments, session settings and pg_dump's per-run \restrict tokens are not schema.
    if (!line.trim() || /^(--|SET |SELECT pg_catalog|\\)/.test(line)) continue;
    current.push(line);
    if (line.trimEnd().endsWith(";")) {
      statements.push(current.join("\n"));
      current = [];
    }
  }
  if (current.length > 0) statements.push(current.join("\n"));
  return statements.sort();
}

/** The statements of one dump missing from the other, or [] when the dumps are equal. */
export function dumpDiff(expected: readonly string[], actual: readonly string[], names = ["D", "E"]): string[] {
  const count = (statements: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const s of statements) counts.set(s, (counts.get(s) ?? 0) + 1);
    return counts;
  };
  const [a, b] = [count(expected), count(actual)];
  const diff: string[] = [];
  for (const [statement, n] of a) if ((b.get(statement) ?? 0) < n) diff.push(`only in ${names[0]}:\n${statement}`);
  for (const [statement, n] of b) if ((a.get(statement) ?? 0) < n) diff.push(`only in ${names[1]}:\n${statement}`);
  return diff;
}

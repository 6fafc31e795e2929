/**
 * Migration files written by hand for the README-claims safety tests
 * (`tests/integration/readme_claims_safety_*_test.ts`), as a user (or a bad merge) leaves them.
 */

/** A hand-written migration file, as a user (or a bad merge) leaves one. */
export async function writeMigrationFile(
  dir: string,
  id: string,
  operations: unknown[],
  allowDestructive = false,
): Promise<string> {
  const path = `${dir}/migrations/${id}.json`;
  await Deno.mkdir(`${dir}/migrations`, { recursive: true });
  await Deno.writeTextFile(
    path,
    JSON.stringify({ format: 1, id, createdAt: "2030-01-01T00:00:00.000Z", allowDestructive, operations }, null, 2),
  );
  return path;
}

/** What the hostile_routines tests share: walking a project through schemas, and pulling it back. */
import assert from "node:assert/strict";
import type { TestDatabase } from "./backends.ts";
import { databaseBlock, tempProject } from "./cli.ts";
import { cli, converge, project, writeSchema } from "./claims.ts";

/** A project walked through each `[label, schema.ts]` in turn: generate (destructive allowed), apply, re-plan empty. */
export async function walkSchemas(target: TestDatabase, schemas: readonly [string, string][]): Promise<string> {
  const dir = await project(target, schemas[0][1]);
  for (const [label, schema] of schemas) {
    await writeSchema(dir, schema);
    await converge(dir, label, "--allow-destructive");
  }
  return dir;
}

/** `pull --schema schemas` into a fresh project on the same database: its `plan --exit-code` must be empty. */
export async function pullPlansEmpty(target: TestDatabase, keys: string, schemas = "public"): Promise<void> {
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { ${keys} } from "./schema.ts";
export default defineConfig({ database: ${databaseBlock(target)}, ${keys} });
`,
  });
  const pulled = await cli(dir, "pull", "--force", "--schema", schemas);
  assert.equal(pulled.code, 0, pulled.output);
  const source = await Deno.readTextFile(`${dir}/schema.ts`);
  const planned = await cli(dir, "plan", "--exit-code");
  assert.equal(planned.code, 0, `${planned.output}\n${source}`);
}

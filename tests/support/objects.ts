/** What the object-kind tests share: a plan's operations as short labels, and a project from a pull. */
import assert from "node:assert/strict";
import type { LoadedConfig } from "../../src/config/load.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { Operation } from "../../src/diff/operations.ts";
import type { Pulled } from "../../src/pull/pull.ts";

/** `create_object users_touch`, `alter_object greet`, or the operation's kind. */
export const kinds = (ops: readonly Operation[]) =>
  ops.map((op) =>
    op.kind === "create_object" || op.kind === "drop_object"
      ? `${op.kind} ${op.object.name}`
      : op.kind === "alter_object"
      ? `alter_object ${op.to.name}`
      : op.kind
  );

/**
 * `<dir>/pulled`: the pulled schema (which must be `deno fmt`-clean) and a
 * config passing every array it exports; returns that config loaded.
 */
export async function pulledProject(dir: string, pulled: Pulled): Promise<LoadedConfig> {
  const project = `${dir}/pulled`;
  await Deno.mkdir(project);
  await Deno.writeTextFile(`${project}/schema.ts`, pulled.source);
  await Deno.writeTextFile(
    `${project}/kyrage.config.ts`,
    `import { defineConfig } from "kyrage";\nimport { ${[...pulled.keys].sort().join(", ")} } from "./schema.ts";\n` +
      `export default defineConfig({ ${pulled.keys.join(", ")} });\n`,
  );
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--check", `${project}/schema.ts`],
    stderr: "piped",
  })
    .output();
  assert.ok(fmt.success, `deno fmt clean:\n${new TextDecoder().decode(fmt.stderr)}\n${pulled.source}`);
  return await loadConfig(`${project}/kyrage.config.ts`);
}

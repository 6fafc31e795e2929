/**
 * Bad input gets one clear paragraph naming the file or object, exit code 1,
 * no stack trace, no password, and no half-applied change.
 */
import assert from "node:assert/strict";
import { runCli, tempProject } from "../support/cli.ts";
import { backendTest, createTestDatabase } from "../support/backends.ts";

function assertCleanError(stderr: string, ...mentions: string[]): void {
  assert.match(stderr, /^error: /m);
  // A syntax error's location (`at file:///...:1:17`) is fine; stack frames are not.
  assert.doesNotMatch(stderr, /^\s+at (async )?\S+ \(/m, "no stack trace");
  for (const m of mentions) assert.ok(stderr.includes(m), `error mentions ${m}:\n${stderr}`);
}

Deno.test({
  name: "a config with a wrong type names the file and the key path, exit 1",
  sanitizeResources: false,
  async fn() {
    const dir = await tempProject({
      "kyrage.config.ts": `import { defineConfig, defineTable, column } from "kyrage";
export default defineConfig({ database: { dialect: "pglite", dataDir: "memory://" }, tables: [
  defineTable("users", { id: column("int") }),
  defineTable("posts", { email: { kind: "column", type: 42 } as never }),
] });`,
    });
    const result = await runCli(["plan"], { cwd: dir });
    assert.equal(result.code, 1);
    assertCleanError(result.stderr, `${dir}/kyrage.config.ts`, "tables[1].columns.email.type");
  },
});

Deno.test("a config that does not parse names the file, exit 1", async () => {
  const dir = await tempProject({ "kyrage.config.ts": "export default {{{" });
  const result = await runCli(["plan"], { cwd: dir });
  assert.equal(result.code, 1);
  assertCleanError(result.stderr, `${dir}/kyrage.config.ts`, "kyrage.config.ts:1:");
});

Deno.test("a missing config file says how to point to one, exit 1", async () => {
  const dir = await tempProject({});
  const result = await runCli(["plan", "--config", "nope.ts"], { cwd: dir });
  assert.equal(result.code, 1);
  assertCleanError(result.stderr, `${dir}/nope.ts`, "--config");
});

Deno.test("a reference to an unknown column is a config error naming the constraint", async () => {
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig, defineTable, column } from "kyrage";
export default defineConfig({ tables: [
  defineTable("users", { id: column("int") }, (t) => [t.index(["nope"])]),
] });`,
  });
  const result = await runCli(["plan"], { cwd: dir });
  assert.equal(result.code, 1);
  assertCleanError(result.stderr, "tables[0].constraints[0]", '"nope"');
});

Deno.test("an unreachable database names host and database, never the password, exit 1", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";\nexport default defineConfig({ tables: [] });`,
  });
  const url = `postgres://app:Sup3rS3cret@127.0.0.1:${port}/appdb`;
  for (const args of [["plan", "--database-url", url], ["apply"], ["generate"], ["status"]]) {
    const result = await runCli(args, { cwd: dir, env: { DATABASE_URL: url } });
    assert.equal(result.code, 1, args.join(" "));
    assertCleanError(result.stderr, `127.0.0.1:${port}/appdb`);
    assert.ok(!(result.stdout + result.stderr).includes("Sup3rS3cret"), "password never printed");
  }
});

backendTest("a malformed migration file is refused before anything runs, exit 1", async (db) => {
  const config = db.backend === "pglite"
    ? `{ dialect: "pglite", dataDir: ${JSON.stringify(db.dataDir)} }`
    : `{ dialect: "postgres", connectionString: ${JSON.stringify(db.databaseUrl)} }`;
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig, defineTable, column } from "kyrage";
export default defineConfig({ database: ${config}, tables: [defineTable("t", { id: column("int") })] });`,
  });
  const generated = await runCli(["generate"], { cwd: dir });
  assert.equal(generated.code, 0, generated.stderr);
  const [name] = [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name);
  // A second, newer file that is broken: the valid first one must not run either.
  const broken = `${dir}/migrations/99991231235959999.json`;
  await Deno.writeTextFile(
    broken,
    JSON.stringify({
      format: 1,
      id: "99991231235959999",
      createdAt: "",
      allowDestructive: false,
      operations: [{ kind: "drop_everything" }],
    }),
  );
  const result = await runCli(["apply"], { cwd: dir });
  assert.equal(result.code, 1);
  assertCleanError(result.stderr, broken, "operations[0].kind");
  const planned = await runCli(["plan", "--exit-code"], { cwd: dir });
  assert.equal(planned.code, 2, "the valid migration was not applied either");
  // The message fits every command, not only apply: status applies nothing anyway.
  const status = await runCli(["status"], { cwd: dir });
  assert.equal(status.code, 1);
  assertCleanError(status.stderr, broken, "nothing was done");
  assert.doesNotMatch(status.stderr, /Nothing was applied/);

  await Deno.writeTextFile(broken, "{ not json");
  const notJson = await runCli(["apply"], { cwd: dir });
  assert.equal(notJson.code, 1);
  assertCleanError(notJson.stderr, broken, "not valid JSON");
  assert.ok(name.endsWith(".json"));
});

Deno.test("an error the config throws names the file and line it was thrown at, exit 1", async () => {
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { tables } from "./schema.ts";
export default defineConfig({ tables });`,
    "schema.ts": `export const tables = [];
if (tables.length === 0) {
  throw new Error("no tables defined yet");
}`,
  });
  const result = await runCli(["plan"], { cwd: dir });
  assert.equal(result.code, 1);
  assertCleanError(result.stderr, `${dir}/kyrage.config.ts`, "no tables defined yet", `${dir}/schema.ts:3:9`);
});

Deno.test({
  name: "apply reads only the migrations: a broken table definition stops plan and generate, not apply [postgres]",
  sanitizeResources: false,
  async fn() {
    const target = await createTestDatabase("postgres");
    try {
      const url = target.databaseUrl!;
      const good = `import { defineConfig, defineTable, column } from "kyrage";
export default defineConfig({ database: { dialect: "postgres", connectionString: ${JSON.stringify(url)} },
  tables: [defineTable("kept", { id: column("int") })] });`;
      const dir = await tempProject({ "kyrage.config.ts": good });
      assert.equal((await runCli(["generate"], { cwd: dir })).code, 0);
      // A column whose type is no string: the config fails its check.
      await Deno.writeTextFile(`${dir}/kyrage.config.ts`, good.replace('column("int")', "column(42 as never)"));
      for (const command of ["plan", "generate"]) {
        const refused = await runCli([command], { cwd: dir });
        assert.equal(refused.code, 1, command);
        assertCleanError(refused.stderr, "Invalid config", "tables[0]");
      }
      const applied = await runCli(["apply"], { cwd: dir });
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /Applied 1 migration/);
    } finally {
      await target.dispose();
    }
  },
});

Deno.test({
  name: "an embedded database path the file system refuses is named with its errno, not [object Object]",
  sanitizeResources: false,
  async fn() {
    // PGlite's WASM file system throws a plain ErrnoError ({ name, errno }) for a path past PATH_MAX inside it.
    let dataDir = await Deno.makeTempDir({ prefix: "kyrage-long-" });
    const root = dataDir;
    while (dataDir.length + 201 < 4000) dataDir += `/${"d".repeat(200)}`;
    dataDir += `/${"e".repeat(4070 - dataDir.length - 1)}`;
    await Deno.mkdir(dataDir, { recursive: true });
    try {
      const dir = await tempProject({
        "kyrage.config.ts": `import { defineConfig } from "kyrage";
export default defineConfig({ database: { dialect: "pglite", dataDir: ${JSON.stringify(dataDir)} }, tables: [] });`,
      });
      const result = await runCli(["plan"], { cwd: dir });
      assert.equal(result.code, 1);
      assertCleanError(result.stderr, "Cannot open the embedded database", "ENAMETOOLONG");
      assert.doesNotMatch(result.stderr, /\[object Object\]/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

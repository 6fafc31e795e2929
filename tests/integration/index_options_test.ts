/**
 * Index and column options checked before a migration is written
 * (model/option_checks.ts at config load, option_blockers.ts at plan): what
 * PostgreSQL accepts still plans, applies and converges; what it refuses is
 * named with its table and option, and nothing is written.
 */
import assert from "node:assert/strict";
import { BACKENDS, backendTest, type TestDatabase } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";

async function project(target: TestDatabase, schema: string): Promise<string> {
  return await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import cfg from "./schema.ts";
export default defineConfig({ database: ${databaseBlock(target)}, ...cfg });
`,
    "schema.ts": `import { column, defineEnum, defineMaterializedView, defineTable } from "kyrage";\n${schema}`,
  });
}

async function cli(dir: string, ...args: string[]) {
  const result = await runCli(args, { cwd: dir });
  return { ...result, output: `${result.stdout}\n${result.stderr}` };
}

const written = async (dir: string) => await Array.fromAsync(Deno.readDir(`${dir}/migrations`)).catch(() => []);

backendTest("index and storage options PostgreSQL accepts plan, apply and converge", async (target) => {
  const dir = await project(
    target,
    `const mood = defineEnum("mood", ["ok", "meh"]);
const t = defineTable("t", {
  id: column("int", { primaryKey: true }),
  a: column("int", { notNull: true }),
  b: column("int"),
  name: column("varchar(40)"),
  body: column("text", { storage: "external" }),
  tags: column("text[]", { storage: "main" }),
  span: column("int4range"),
  feeling: column(mood),
}, (t) => [
  t.index(["a"], { include: ["b"], name: "t_a_key", unique: true, with: { fillfactor: 80, deduplicate_items: "off" } }),
  t.index(["tags"], { using: "gin", with: { fastupdate: false, gin_pending_list_limit: 128 } }),
  t.index(["b"], { using: "brin", with: { pages_per_range: 16, autosummarize: "on" } }),
  t.index(["span"], { using: "gist", include: ["id"], with: { buffering: "auto" } }),
  t.index(["body"], { using: "spgist" }),
  t.index(["b"], { using: "hash", name: "t_b_hash", with: { fillfactor: 90 } }),
  t.index([{ column: "name", opclass: "text_pattern_ops" }]),
  t.index([{ column: "feeling", order: "desc", nulls: "last" }]),
], { replicaIdentity: { index: "t_a_key" } });
const v = defineMaterializedView("v", "select id, tags from t", (m) => [m.index(["tags"], { using: "gin" })]);
export default { tables: [t], views: [v] };
`,
  );
  const generated = await cli(dir, "generate");
  assert.equal(generated.code, 0, generated.output);
  const applied = await cli(dir, "apply");
  assert.equal(applied.code, 0, applied.output);
  const replanned = await cli(dir, "plan", "--exit-code");
  assert.equal(replanned.code, 0, `re-plan not empty:\n${replanned.output}`);
}, BACKENDS);

backendTest("options refused when the config loads name the object and the option", async (target) => {
  const cases: Record<string, [string, RegExp]> = {
    "desc key of a gin index": [
      `const t = defineTable("t", { id: column("int", { primaryKey: true }), tags: column("text[]") },
  (t) => [t.index([{ column: "tags", order: "desc" }], { using: "gin" })]);
export default { tables: [t] };`,
      /tables\[0\]\.constraints\[0\] \(table "t"\).*index t_tags_idx on table public\.t orders a key/,
    ],
    "a boolean parameter given a word": [
      `const t = defineTable("t", { id: column("int", { primaryKey: true }), tags: column("text[]") },
  (t) => [t.index(["tags"], { using: "gin", with: { fastupdate: "sometimes" } })]);
export default { tables: [t] };`,
      /sets fastupdate to "sometimes".*give fastupdate true or false/,
    ],
    "unique gin index on a materialized view": [
      `const v = defineMaterializedView("v", "select 1 as id", (m) => [m.index(["id"], { using: "gin", unique: true })]);
export default { tables: [], views: [v] };`,
      /views\[0\]\.indexes\[0\].*on materialized view public\.v is unique/,
    ],
    "replica identity over a nullable column": [
      `const t = defineTable("t", { id: column("int", { primaryKey: true }), n: column("int") },
  (t) => [t.index(["n"], { name: "t_n", unique: true })], { replicaIdentity: { index: "t_n" } });
export default { tables: [t] };`,
      /replicaIdentity of table public\.t names index "t_n", whose column n may be NULL/,
    ],
    "replica identity naming no index": [
      `const t = defineTable("t", { id: column("int", { primaryKey: true }) }, undefined,
  { replicaIdentity: { index: "nope" } });
export default { tables: [t] };`,
      /names index "nope", which is not an index of table public\.t in the config/,
    ],
    "storage main on an enum": [
      `const t = defineTable("t", { id: column("int", { primaryKey: true }),
  m: column(defineEnum("mood", ["ok"]), { storage: "main" }) });
export default { tables: [t] };`,
      /column m of table public\.t has storage "main", but its type mood is fixed-length/,
    ],
  };
  for (const [label, [schema, expected]] of Object.entries(cases)) {
    const dir = await project(target, schema);
    const generated = await cli(dir, "generate");
    assert.notEqual(generated.code, 0, `${label}: generated:\n${generated.output}`);
    assert.match(generated.output, expected, `${label}:\n${generated.output}`);
    assert.doesNotMatch(generated.output, /unexpected error/, label);
    assert.deepEqual(await written(dir), [], `${label}: no migration written`);
  }
}, BACKENDS);

backendTest("plan marks an operator class or storage the catalog refuses WILL FAIL", async (target) => {
  const dir = await project(
    target,
    `const t = defineTable("t", { id: column("int", { primaryKey: true }), at: column("tid", { storage: "extended" }),
  name: column("text") }, (t) => [t.index([{ column: "name", opclass: "no_such_ops" }])]);
export default { tables: [t] };
`,
  );
  const planned = await cli(dir, "plan");
  assert.match(
    planned.stdout,
    /WILL FAIL: index t_name_idx on public\.t gives column name \(text\) operator class no_such_ops, which access method "btree" does not have/,
    planned.output,
  );
  assert.match(
    planned.stdout,
    /WILL FAIL: column public\.t\.at has storage "extended", but PostgreSQL stores its type tid only "plain"/,
  );
  const generated = await cli(dir, "generate");
  assert.notEqual(generated.code, 0, generated.output);
  assert.match(generated.output, /The migration would fail on .*no_such_ops.*No migration written/s);
  assert.deepEqual(await written(dir), []);
}, BACKENDS);

/**
 * Hostile checks of README "Tables and columns", "Enums, composite and range
 * types", "Partitions", "Constraints and indexes" and "Comments, schemas,
 * renames", each through the real CLI (`generate`, `apply`, `plan
 * --exit-code`) on the PostgreSQL server and on PGlite, with rows in the
 * tables. Every test quotes the claim it holds the code to.
 *
 * This file: constraints and indexes (default names, foreign keys, column and index options).
 */
import assert from "node:assert/strict";
import { BACKENDS, backendTest } from "../support/backends.ts";
import { cli, converge, project, query, writeSchema } from "../support/claims.ts";

// README (Constraints and indexes), lines 530-531: "Default names follow PostgreSQL's own conventions, truncated at 63
// bytes exactly as PostgreSQL truncates them, so a database built by hand or by another tool shows no spurious
// renames". PostgreSQL names an index on `lower(email)` `<table>_lower_idx` (the function's name); kyrage's default
// is `<table>_expr_idx` (the README's table says "an expression is `expr`"), so the hand-built index is renamed.
backendTest(
  "an expression index built by hand with PostgreSQL's default name is renamed, not rebuilt, unless named",
  async (target) => {
    const dir = await project(
      target,
      `import { column, defineTable } from "kyrage";
const users = defineTable("users", { id: column("int", { primaryKey: true }), email: column("text") },
  (t) => [t.index([{ expression: "lower(email)" }])]);
export default { tables: [users] };
`,
    );
    await query(target, "create table users (id int primary key, email text); create index on users (lower(email))");
    const names = await query<{ relname: string }>(
      target,
      "select relname from pg_class where relkind = 'i' and relname like 'users%' order by 1",
    );
    assert.deepEqual(names.map((n) => n.relname), ["users_lower_idx", "users_pkey"]);
    // README: "such an index is planned as a rename (`ALTER INDEX ... RENAME`, nothing rebuilt) unless its `name` is given".
    const planned = await cli(dir, "plan", "--exit-code");
    assert.equal(planned.code, 2, planned.output);
    assert.match(planned.stdout, /ALTER INDEX "public"\."users_lower_idx" RENAME TO "users_expr_idx"/, planned.stdout);
    assert.doesNotMatch(planned.stdout, /DROP INDEX|CREATE INDEX/, planned.stdout);
    await writeSchema(
      dir,
      `import { column, defineTable } from "kyrage";
const users = defineTable("users", { id: column("int", { primaryKey: true }), email: column("text") },
  (t) => [t.index([{ expression: "lower(email)" }], { name: "users_lower_idx" })]);
export default { tables: [users] };
`,
    );
    const named = await cli(dir, "plan", "--exit-code");
    assert.equal(named.code, 0, `with its name given, nothing to do:\n${named.stdout}`);
  },
);

// README (Constraints and indexes), lines 505 and 518: "`t.reference(columns, table, refColumns, { onDelete, onUpdate,
// name, deferrable, match, notValid })` ... `deferrable: "deferred" | "immediate"`" with (Online DDL) "a populated
// table in use stays readable and writable". Making a foreign key deferrable is `ALTER CONSTRAINT ... DEFERRABLE` in
// PostgreSQL (no scan); kyrage drops the foreign key, adds it NOT VALID and validates it again: a needless rebuild
// with a window in which the child is unchecked.
backendTest(
  "a foreign key made deferrable is altered in place, not rebuilt",
  async (target) => {
    const schema = (options: string) =>
      `import { column, defineTable } from "kyrage";
const parent = defineTable("parent", { id: column("int", { primaryKey: true }) });
const child = defineTable("child", { id: column("int", { primaryKey: true }), parent_id: column("int") },
  (t) => [t.reference("parent_id", "parent", "id", { name: "child_parent_fkey"${options} })]);
export default { tables: [parent, child] };
`;
    const dir = await project(target, schema(""));
    await converge(dir, "initial");
    await query(target, "insert into parent values (1); insert into child values (1, 1)");
    const oid = "select oid::int from pg_constraint where conname = 'child_parent_fkey'";
    const before = await query<{ oid: number }>(target, oid);
    await writeSchema(dir, schema(`, deferrable: "deferred"`));
    const planned = await cli(dir, "plan");
    assert.equal(planned.code, 0, planned.output);
    assert.doesNotMatch(planned.stdout, /DROP CONSTRAINT/, `no rebuild of child_parent_fkey:\n${planned.stdout}`);
    await converge(dir, "deferrable");
    assert.deepEqual(await query(target, oid), before, "the same constraint, altered");
  },
  BACKENDS,
);

// README (Tables and columns), lines 285 and 306: "`column(type, { primaryKey?, unique?, notNull?, defaultSql?,
// identity?, generatedAs?, ... })`", "Table options: ... `unlogged: true`" with (Safety): "**No migration that can
// only fail**". Options PostgreSQL never accepts together pass the config check and the plan, and `generate` writes
// the migration: `identity` with `defaultSql` ("both default and identity specified"), `generatedAs` with
// `defaultSql` ("both default and generation expression specified"), and a logged table referencing an `unlogged`
// one ("constraints on permanent tables may reference only permanent tables").
backendTest(
  "column and table options PostgreSQL never accepts together are refused before a migration is written",
  async (target) => {
    const configs: Record<string, string> = {
      "identity with defaultSql": `const t = defineTable("t", {
  id: column("int", { primaryKey: true, identity: "always", defaultSql: "1" }),
});
export default { tables: [t] };`,
      "generatedAs with defaultSql": `const t = defineTable("t", {
  id: column("int", { primaryKey: true }),
  twice: column("int", { generatedAs: "id * 2", defaultSql: "0" }),
});
export default { tables: [t] };`,
      "a logged table referencing an unlogged one":
        `const p = defineTable("p", { id: column("int", { primaryKey: true }) }, undefined, { unlogged: true });
const c = defineTable("c", { id: column("int", { primaryKey: true }), p_id: column("int") },
  (t) => [t.reference("p_id", "p", "id")]);
export default { tables: [p, c] };`,
    };
    const failures: string[] = [];
    for (const [label, body] of Object.entries(configs)) {
      const dir = await project(target, `import { column, defineTable } from "kyrage";\n${body}\n`);
      const generated = await cli(dir, "generate");
      if (generated.code === 0) {
        const applied = await cli(dir, "apply");
        if (applied.code !== 0) failures.push(`${label}: written, then apply failed:\n${applied.output}`);
        else await query(target, "drop table if exists c, p, t; delete from kyrage_migrations");
      }
    }
    assert.deepEqual(failures, [], failures.join("\n"));
  },
);

// README (Constraints and indexes), lines 504-515: "`t.index(keys, { unique, name, using, where, include,
// nullsNotDistinct, with, concurrently })` ... `using` is any access method: `btree` (default), `hash`, `gin`,
// `gist`, `brin`, ...", "`t.check("price > 0", { name, noInherit, notValid })`", (Tables and columns) "`storage:
// "plain" | "external" | "extended" | "main"`", "`replicaIdentity: ... { index: "name" }`", with (Safety) "**No migration that can only fail**" and "**Types
// checked first** ... so a typo never fails a migration halfway". Index and column options PostgreSQL rejects used to pass
// the config check and the plan, and `generate` wrote a migration `apply` could not run; each is now refused, naming
// the table and the option, with no migration written.
backendTest(
  "index, check and storage options PostgreSQL rejects are refused before a migration is written",
  async (target) => {
    // Each refusal names the table and the option: `expected`.
    const configs: Record<string, [string, RegExp]> = {
      "hash index with include": [
        `t.index(["a"], { using: "hash", include: ["b"] })`,
        /t_a_b_idx on table public.t has include/,
      ],
      "gin index with fillfactor": [
        `t.index(["tags"], { using: "gin", with: { fillfactor: 70 } })`,
        /storage parameter fillfactor/,
      ],
      "operator class of another type": [
        `t.index([{ column: "name", opclass: "int4_ops" }])`,
        /public\.t gives column name \(text\) operator class int4_ops, which does not accept/,
      ],
      "unique brin index": [
        `t.index(["name"], { using: "brin", unique: true })`,
        /on table public.t is unique, which access method "brin"/,
      ],
      "hash index on two columns": [`t.index(["a", "b"], { using: "hash" })`, /has 2 keys/],
      "gist index on an integer": [
        `t.index(["a"], { using: "gist" })`,
        /column a \(integer\), which has no default operator class for access method "gist"/,
      ],
      "brin pages_per_range out of bounds": [
        `t.index(["a"], { using: "brin", with: { pages_per_range: 0 } })`,
        /sets pages_per_range to "0"/,
      ],
    };
    const failures: string[] = [];
    const attempt = async (label: string, schema: string, expected: RegExp) => {
      const dir = await project(target, schema);
      const generated = await cli(dir, "generate");
      if (generated.code !== 0) {
        assert.match(generated.output, expected, `${label}:\n${generated.output}`);
        const written = await Array.fromAsync(Deno.readDir(`${dir}/migrations`)).catch(() => []);
        assert.deepEqual(written, [], `${label}: no migration written`);
        return;
      }
      const applied = await cli(dir, "apply");
      if (applied.code !== 0) failures.push(`${label}: written, then apply failed:\n${applied.output}`);
      else await query(target, "drop table if exists t; delete from kyrage_migrations");
    };
    for (const [label, [index, expected]] of Object.entries(configs)) {
      await attempt(
        label,
        `import { column, defineTable } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), a: column("int"), b: column("int"),
  name: column("text"), tags: column("text[]") }, (t) => [${index}]);
export default { tables: [t] };
`,
        expected,
      );
    }
    await attempt(
      "NO INHERIT check on a partitioned table",
      `import { column, defineTable } from "kyrage";
const t = defineTable("t", { id: column("int", { notNull: true }), at: column("date", { notNull: true }) },
  (t) => [t.check("id > 0", { noInherit: true })], { partitionBy: { strategy: "range", keys: ["at"] } });
export default { tables: [t] };
`,
      /check t_id_check on table public.t is noInherit, but table public.t is partitioned/,
    );
    await attempt(
      "replica identity on a non-unique index",
      `import { column, defineTable } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), n: column("int") },
  (t) => [t.index(["n"], { name: "t_n" })], { replicaIdentity: { index: "t_n" } });
export default { tables: [t] };
`,
      /replicaIdentity of table public.t names index "t_n", which is not unique/,
    );
    await attempt(
      "storage external on an integer",
      `import { column, defineTable } from "kyrage";
const t = defineTable("t", { id: column("int", { primaryKey: true }), n: column("int", { storage: "external" }) });
export default { tables: [t] };
`,
      /columns\.n\.storage.*column n of table public.t has storage "external", but its type integer/,
    );
    assert.deepEqual(failures, [], failures.join("\n"));
  },
  BACKENDS,
);

// README (Constraints and indexes), lines 518-520: "`deferrable: "deferred" | "immediate"` (also on primary keys and
// unique constraints) ... The referenced table ... must have a primary key or unique constraint on exactly those
// columns (checked when the config loads)." A deferrable key passes that check, but PostgreSQL refuses a foreign key
// to it ("cannot use a deferrable unique constraint for referenced table"): the config loads, `generate` writes the
// migration, and `apply` fails.
backendTest("a foreign key to a deferrable key is refused when the config loads", async (target) => {
  const configs: Record<string, string> = {
    "deferrable primary key": `t.primaryKey(["id"], { deferrable: "immediate" })`,
    "deferrable unique constraint": `t.primaryKey(["id"]), t.unique(["code"], { deferrable: "deferred" })`,
  };
  const failures: string[] = [];
  for (const [label, key] of Object.entries(configs)) {
    const referenced = label.includes("primary") ? `"id"` : `"code"`;
    const dir = await project(
      target,
      `import { column, defineTable } from "kyrage";
const parent = defineTable("parent", { id: column("int", { notNull: true }), code: column("text") }, (t) => [${key}]);
const child = defineTable("child", { id: column("int", { primaryKey: true }), ref: column("${
        label.includes("primary") ? "int" : "text"
      }") },
  (t) => [t.reference("ref", parent, ${referenced})]);
export default { tables: [parent, child] };
`,
    );
    const generated = await cli(dir, "generate");
    if (generated.code !== 0) continue;
    const applied = await cli(dir, "apply");
    if (applied.code !== 0) failures.push(`${label}: the config loaded, then apply failed:\n${applied.output}`);
    else await query(target, "drop table if exists child, parent; delete from kyrage_migrations");
  }
  assert.deepEqual(failures, [], failures.join("\n"));
});

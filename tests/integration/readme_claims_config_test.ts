/**
 * Hostile checks of README "Config reference" claims, each through the real
 * CLI (`generate`, `apply`, `plan --exit-code`) on the PostgreSQL server and
 * on PGlite. Every test here quotes the claim it holds the code to.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { cli, converge, project, query, writeSchema } from "../support/claims.ts";

// README (Tables and columns): "`renamedFrom: "old_name"` renames the column (`ALTER TABLE ... RENAME COLUMN`)
// instead of dropping it; harmless once applied." and (Constraints and indexes): "An index or constraint whose
// definition is unchanged but whose name differs is renamed, not rebuilt."
// A check reading the renamed column is compared with the column's old name in it, so the rename drops the check
// (DESTRUCTIVE when its default name follows the column) and adds it again: `generate` refuses a pure rename.
backendTest("a column rename keeps the checks that read it (renamed, never dropped)", async (target) => {
  const before = `import { column, defineTable } from "kyrage";
const orders = defineTable("orders", { id: column("int", { primaryKey: true }), amount: column("int") },
  (t) => [t.check("amount >= 0"), t.check("amount < 1000", { name: "amount_cap" })]);
export default { tables: [orders] };
`;
  const dir = await project(target, before);
  await converge(dir, "initial");
  await query(target, "insert into orders values (1, 5)");
  await writeSchema(
    dir,
    `import { column, defineTable } from "kyrage";
const orders = defineTable("orders", {
  id: column("int", { primaryKey: true }),
  total: column("int", { renamedFrom: "amount" }),
}, (t) => [t.check("total >= 0"), t.check("total < 1000", { name: "amount_cap" })]);
export default { tables: [orders] };
`,
  );
  const planned = await cli(dir, "plan");
  assert.equal(planned.code, 0, planned.output);
  assert.match(planned.stdout, /RENAME COLUMN "amount" TO "total"/);
  assert.doesNotMatch(planned.stdout, /DROP CONSTRAINT/, `a rename must not drop the checks:\n${planned.stdout}`);
  assert.doesNotMatch(planned.stdout, /DESTRUCTIVE/, planned.stdout);
  await converge(dir, "rename");
  const checks = await query<{ conname: string }>(
    target,
    "select conname from pg_constraint where conrelid = 'orders'::regclass and contype = 'c' order by 1",
  );
  assert.deepEqual(checks.map((c) => c.conname), ["amount_cap", "orders_total_check"]);
  assert.deepEqual(await query(target, "select id, total from orders"), [{ id: 1, total: 5 }]);
});

// README (Tables and columns): "`renamedFrom: "old_name"` renames the column (`ALTER TABLE ... RENAME COLUMN`)
// instead of dropping it" and (Constraints and indexes): "An index or constraint whose definition is unchanged but
// whose name differs is renamed, not rebuilt." An expression index and a partial index reading the renamed column
// keep their definition (PostgreSQL follows the rename), yet the plan drops and rebuilds both, concurrently, in
// migrations of their own: the table goes without them between the migrations.
backendTest("a column rename keeps the expression and partial indexes that read it", async (target) => {
  const dir = await project(
    target,
    `import { column, defineTable } from "kyrage";
const users = defineTable("users", { id: column("int", { primaryKey: true }), email: column("text") },
  (t) => [t.index([{ expression: "lower(email)" }], { name: "users_lower_email" }),
          t.index(["id"], { where: "email is not null", name: "users_with_email" })]);
export default { tables: [users] };
`,
  );
  await converge(dir, "initial");
  await query(target, "insert into users values (1, 'A@x'), (2, null)");
  await writeSchema(
    dir,
    `import { column, defineTable } from "kyrage";
const users = defineTable("users", { id: column("int", { primaryKey: true }), mail: column("text", { renamedFrom: "email" }) },
  (t) => [t.index([{ expression: "lower(mail)" }], { name: "users_lower_email" }),
          t.index(["id"], { where: "mail is not null", name: "users_with_email" })]);
export default { tables: [users] };
`,
  );
  const planned = await cli(dir, "plan");
  assert.equal(planned.code, 0, planned.output);
  assert.match(planned.stdout, /RENAME COLUMN "email" TO "mail"/);
  assert.doesNotMatch(planned.stdout, /DROP INDEX/, `a rename must not rebuild the indexes:\n${planned.stdout}`);
  assert.doesNotMatch(planned.stdout, /CREATE INDEX/, planned.stdout);
});

// README (Tables and columns): "`renamedFrom: "old_name"` renames the column (`ALTER TABLE ... RENAME COLUMN`)
// instead of dropping it; harmless once applied." and "changing the expression [of `generatedAs`] rebuilds the
// column". Renaming a column that a generated column reads leaves the generated expression unchanged (PostgreSQL
// follows the rename), yet the plan drops the generated column and adds it again: a table rewrite under ACCESS
// EXCLUSIVE, and the generated column's indexes go with it.
backendTest("a column rename keeps the generated column that reads it", async (target) => {
  const dir = await project(
    target,
    `import { column, defineTable } from "kyrage";
const items = defineTable("items", {
  id: column("int", { primaryKey: true }),
  price: column("numeric(10,2)"),
  doubled: column("numeric", { generatedAs: "price * 2" }),
}, (t) => [t.index(["doubled"])]);
export default { tables: [items] };
`,
  );
  await converge(dir, "initial");
  await query(target, "insert into items (id, price) values (1, 2.50)");
  const before = await query<{ relfilenode: number }>(
    target,
    "select relfilenode from pg_class where oid = 'items'::regclass",
  );
  await writeSchema(
    dir,
    `import { column, defineTable } from "kyrage";
const items = defineTable("items", {
  id: column("int", { primaryKey: true }),
  unit_price: column("numeric(10,2)", { renamedFrom: "price" }),
  doubled: column("numeric", { generatedAs: "unit_price * 2" }),
}, (t) => [t.index(["doubled"])]);
export default { tables: [items] };
`,
  );
  const planned = await cli(dir, "plan");
  assert.equal(planned.code, 0, planned.output);
  assert.match(planned.stdout, /RENAME COLUMN "price" TO "unit_price"/);
  assert.doesNotMatch(planned.stdout, /DROP COLUMN/, `a rename must not rebuild "doubled":\n${planned.stdout}`);
  await converge(dir, "rename");
  const after = await query<{ relfilenode: number }>(
    target,
    "select relfilenode from pg_class where oid = 'items'::regclass",
  );
  assert.deepEqual(after, before, "a rename does not rewrite the table");
});

// README (Tables and columns): "`renamedFrom: "old_name"` renames the column (`ALTER TABLE ... RENAME COLUMN`)
// instead of dropping it". A foreign key elsewhere that references the renamed column follows it in PostgreSQL, yet
// was compared with the column's old name: the plan dropped it and added it back (a validation scan of the child).
backendTest("a column rename keeps the foreign keys that reference it", async (target) => {
  const schema = (column: string, hint: string) =>
    `import { column, defineTable } from "kyrage";
const parent = defineTable("parent", { id: column("int", { primaryKey: true }), ${column}: column("text", { unique: true${hint} }) });
const child = defineTable("child", { id: column("int", { primaryKey: true }), code: column("text") },
  (t) => [t.reference(["code"], "parent", ["${column}"], { name: "child_code_fkey" })]);
export default { tables: [parent, child] };
`;
  const dir = await project(target, schema("code", ""));
  await converge(dir, "initial");
  await query(target, "insert into parent values (1, 'a'); insert into child values (1, 'a')");
  const oid = "select oid::int from pg_constraint where conname = 'child_code_fkey'";
  const before = await query<{ oid: number }>(target, oid);
  await writeSchema(dir, schema("kode", `, renamedFrom: "code"`));
  const planned = await cli(dir, "plan");
  assert.equal(planned.code, 0, planned.output);
  assert.match(planned.stdout, /RENAME COLUMN "code" TO "kode"/);
  assert.doesNotMatch(
    planned.stdout,
    /FOREIGN KEY|DROP CONSTRAINT/,
    `a rename must not rebuild it:\n${planned.stdout}`,
  );
  await converge(dir, "rename");
  assert.deepEqual(await query(target, oid), before, "the foreign key is the same constraint");
  const definition = await query<{ def: string }>(
    target,
    "select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'child_code_fkey'",
  );
  assert.deepEqual(definition, [{ def: "FOREIGN KEY (code) REFERENCES parent(kode)" }]);
});

// README (Constraints and indexes): "Default names follow PostgreSQL's own conventions, truncated at 63 bytes exactly
// as PostgreSQL truncates them, so a database built by hand or by another tool shows no spurious renames" and
// (Extensions and sequences): "a column's serial or identity stays a column option". The NOT MANAGED query expects a
// column's own sequence to be named `left(table_column_seq, 63)`, but PostgreSQL (and kyrage itself) names it with
// makeObjectName, which shortens the table part: on a long table name the sequences of a config's own identity and
// serial columns are reported as "NOT MANAGED (left as they are)", on a database kyrage just built.
backendTest(
  "the sequences of identity and serial columns of a long table name are not reported unmanaged",
  async (target) => {
    const dir = await project(
      target,
      `import { column, defineTable } from "kyrage";
const t = defineTable("a_table_name_that_is_quite_long_enough_to_need_truncation_x", {
  id: column("bigint", { primaryKey: true, identity: "always" }),
  n: column("serial"),
});
export default { tables: [t] };
`,
    );
    await converge(dir, "initial");
    const sequences = await query<{ relname: string }>(
      target,
      "select relname from pg_class where relkind = 'S' and relnamespace = 'public'::regnamespace order by 1",
    );
    assert.deepEqual(sequences.map((s) => s.relname), [
      "a_table_name_that_is_quite_long_enough_to_need_truncatio_id_seq",
      "a_table_name_that_is_quite_long_enough_to_need_truncation_n_seq",
    ]);
    const planned = await cli(dir, "plan", "--exit-code");
    assert.equal(planned.code, 0, planned.output);
    assert.doesNotMatch(planned.output, /NOT MANAGED/, `kyrage's own column sequences are managed:\n${planned.output}`);
  },
);

/**
 * What PostgreSQL names after a table and column — a serial or identity
 * column's sequence, and (PostgreSQL 18, PGlite) a NOT NULL constraint — is
 * renamed with the table or column, so the re-plan is empty and nothing is
 * NOT MANAGED; a sequence named otherwise is renamed, and a `seq1` PostgreSQL
 * chose on a collision is kept. Through the real CLI, on both backends.
 */
import assert from "node:assert/strict";
import { BACKENDS, backendTest, type TestDatabase } from "../support/backends.ts";
import { cli, project, query, writeSchema } from "../support/claims.ts";
import { convergeFromPlan as converge } from "../support/plan_converge.ts";

/** The sequences of the public schema, and the NOT NULL constraints (none before PostgreSQL 18). */
async function derivedNames(target: TestDatabase): Promise<{ sequences: string[]; notNulls: string[] }> {
  const sequences = await query<{ name: string }>(
    target,
    "select relname::text as name from pg_class where relkind = 'S' and relnamespace = 'public'::regnamespace order by 1",
  );
  const notNulls = await query<{ name: string }>(
    target,
    "select conname::text as name from pg_constraint where contype = 'n' and connamespace = 'public'::regnamespace " +
      "and conname not like 'kyrage%' order by 1",
  );
  return { sequences: sequences.map((s) => s.name), notNulls: notNulls.map((n) => n.name) };
}

/** The NOT NULL constraints are `<table>_<column>_not_null` for `columns` (sorted): PostgreSQL 18 names them; before, there are none. */
function assertNotNullNames(notNulls: string[], table: string, columns: string[]): void {
  if (notNulls.length > 0) assert.deepEqual(notNulls, columns.map((column) => `${table}_${column}_not_null`));
}

const orders = (name: string, hint: string, columns = { id: "id", big: "big", number: "number" }) =>
  `import { column, defineTable } from "kyrage";
const t = defineTable(${JSON.stringify(name)}, {
  ${JSON.stringify(columns.id)}: column("serial", { primaryKey: true${
    columns.id === "id" ? "" : `, renamedFrom: "id"`
  } }),
  ${JSON.stringify(columns.big)}: column("bigserial"${columns.big === "big" ? "" : `, { renamedFrom: "big" }`}),
  ${JSON.stringify(columns.number)}: column("bigint", { identity: "by default"${
    columns.number === "number" ? "" : `, renamedFrom: "number"`
  } }),
  email: column("text", { notNull: true }),
}, undefined, { ${hint} });
export default { tables: [t] };
`;

backendTest(
  "a table rename renames its serial, bigserial and identity sequences, which count on",
  async (target) => {
    const dir = await project(target, orders("orders", ""));
    await converge(dir, "initial");
    await query(target, "insert into orders (email) values ('a'), ('b')");
    await writeSchema(dir, orders("purchases", `renamedFrom: "orders"`));
    const generated = await converge(dir, "rename");
    for (const column of ["id", "big", "number"]) {
      assert.match(
        generated,
        new RegExp(`ALTER SEQUENCE "public"\\."orders_${column}_seq" RENAME TO "purchases_${column}_seq"`),
        generated,
      );
    }
    const names = await derivedNames(target);
    assert.deepEqual(names.sequences, ["purchases_big_seq", "purchases_id_seq", "purchases_number_seq"]);
    assertNotNullNames(names.notNulls, "purchases", ["big", "email", "id", "number"]);
    const next = await query<{ id: number; big: string; number: string }>(
      target,
      "insert into purchases (email) values ('c') returning id, big::text, number::text",
    );
    assert.deepEqual(next, [{ id: 3, big: "3", number: "3" }]);
  },
  BACKENDS,
);

backendTest("a column rename renames its sequence, which counts on", async (target) => {
  const dir = await project(target, orders("orders", ""));
  await converge(dir, "initial");
  await query(target, "insert into orders (email) values ('a')");
  await writeSchema(dir, orders("orders", "", { id: "order_id", big: "big", number: "ticket" }));
  const generated = await converge(dir, "rename");
  assert.match(generated, /ALTER SEQUENCE "public"\."orders_id_seq" RENAME TO "orders_order_id_seq"/, generated);
  assert.match(generated, /ALTER SEQUENCE "public"\."orders_number_seq" RENAME TO "orders_ticket_seq"/, generated);
  assert.doesNotMatch(generated, /orders_big_seq/, generated);
  const names = await derivedNames(target);
  assert.deepEqual(names.sequences, ["orders_big_seq", "orders_order_id_seq", "orders_ticket_seq"]);
  assertNotNullNames(names.notNulls, "orders", ["big", "email", "order_id", "ticket"]);
  const next = await query<{ order_id: number; ticket: string }>(
    target,
    "insert into orders (email) values ('b') returning order_id, ticket::text",
  );
  assert.deepEqual(next, [{ order_id: 2, ticket: "2" }]);
}, BACKENDS);

backendTest("renames with quotes in the names, and 63-byte names whose sequence name is truncated", async (target) => {
  const long = (c: string) => c.repeat(63);
  const schema = (quoted: string, longName: string, hint: string) =>
    `import { column, defineTable } from "kyrage";
const q = defineTable('${quoted}', { 'I"d': column("serial", { primaryKey: true }) }, undefined, { ${hint} });
const l = defineTable("${longName}", { id: column("int", { identity: "always" }) }, undefined, { ${
      hint ? `renamedFrom: "${long("a")}"` : ""
    } });
export default { tables: [q, l] };
`;
  const dir = await project(target, schema(`"Or""ders"`, long("a"), ""));
  await converge(dir, "initial");
  await query(target, `insert into "Or""ders" default values; insert into ${long("a")} default values`);
  await writeSchema(dir, schema(`"Pur""chases"`, long("b"), `renamedFrom: '"Or""ders"'`));
  await converge(dir, "rename");
  const names = await derivedNames(target);
  assert.deepEqual(names.sequences, [`Pur"chases_I"d_seq`, `${"b".repeat(56)}_id_seq`]);
  const next = await query<{ a: number; b: number }>(
    target,
    `with x as (insert into "Pur""chases" default values returning "I""d" as v),
          y as (insert into ${long("b")} default values returning id as v)
     select (select v from x) as a, (select v from y) as b`,
  );
  assert.deepEqual(next, [{ a: 2, b: 2 }]);
}, BACKENDS);

backendTest("a renamed table's sequence takes seq1 when seq is taken, and keeps it", async (target) => {
  const schema = (name: string, hint: string) =>
    `import { column, defineSequence, defineTable } from "kyrage";
const t = defineTable("${name}", { id: column("serial", { primaryKey: true }) }, undefined, { ${hint} });
export default { tables: [t], sequences: [defineSequence("purchases_id_seq", { start: 100 })] };
`;
  const dir = await project(target, schema("orders", ""));
  await converge(dir, "initial");
  await writeSchema(dir, schema("purchases", `renamedFrom: "orders"`));
  const generated = await converge(dir, "rename");
  assert.match(generated, /ALTER SEQUENCE "public"\."orders_id_seq" RENAME TO "purchases_id_seq1"/, generated);
  assert.deepEqual((await derivedNames(target)).sequences, ["purchases_id_seq", "purchases_id_seq1"]);
}, BACKENDS);

backendTest(
  "column sequences named by hand are renamed to PostgreSQL's names; one PostgreSQL numbered is kept",
  async (target) => {
    const dir = await project(
      target,
      `import { column, defineSequence, defineTable } from "kyrage";
const t = defineTable("t", {
  id: column("int", { primaryKey: true, identity: "always" }),
  n: column("serial"),
});
const u = defineTable("u", { id: column("serial", { primaryKey: true }) });
export default { tables: [t, u], sequences: [defineSequence("u_id_seq")] };
`,
    );
    await query(
      target,
      `create table t (id int generated always as identity (sequence name t_numbers) primary key, n serial);
       alter sequence t_n_seq rename to my_counter;
       insert into t default values;
       create sequence u_id_seq; create table u (id serial primary key)`,
    );
    assert.deepEqual((await derivedNames(target)).sequences, ["my_counter", "t_numbers", "u_id_seq", "u_id_seq1"]);
    const planned = await cli(dir, "plan");
    assert.doesNotMatch(planned.output, /NOT MANAGED/, planned.output);
    await converge(dir, "hand-named");
    assert.deepEqual((await derivedNames(target)).sequences, ["t_id_seq", "t_n_seq", "u_id_seq", "u_id_seq1"]);
    const next = await query<{ id: number; n: number }>(target, "insert into t default values returning id, n");
    assert.deepEqual(next, [{ id: 2, n: 2 }]);
  },
  BACKENDS,
);

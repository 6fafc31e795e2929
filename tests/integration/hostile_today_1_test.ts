/**
 * Hostile tests of today's features through the real CLI, on both backends:
 * foreign keys altered in place (alter_constraint), sequences and NOT NULL
 * names renamed with their table or column (rename_sequence,
 * rename_not_null), and option checks that must not refuse what PostgreSQL
 * accepts. Every applied plan must re-plan empty.
 */
import assert from "node:assert/strict";
import { BACKENDS, backendTest, type TestDatabase } from "../support/backends.ts";
import { cli, project as claimsProject, query, writeSchema as claimsWriteSchema } from "../support/claims.ts";
import { convergeFromPlan as converge } from "../support/plan_converge.ts";

const IMPORTS = `import { column, defineDomain, defineExtension, definePartition, defineTable } from "kyrage";\n`;

/** A project whose `schema.ts` is `schema` after the kyrage imports every test here uses. */
const project = (target: TestDatabase, schema: string) => claimsProject(target, IMPORTS + schema);
const writeSchema = (dir: string, schema: string) => claimsWriteSchema(dir, IMPORTS + schema);

// Should: a table in schema app renamed while its foreign key becomes
// deferrable alters the key in place on the new name, renames the serial
// sequence in app, and re-plans empty.
backendTest("a renamed table in a non-public schema whose foreign key becomes deferrable", async (target) => {
  const schema = (name: string, hint: string, deferrable: string) =>
    `const parent = defineTable("app.parent", { id: column("serial", { primaryKey: true }) });
const child = defineTable("${name}", {
  id: column("serial", { primaryKey: true }),
  parent_id: column("int", { notNull: true }),
}, (t) => [t.reference("parent_id", "app.parent", "id", { name: "child_parent_fk"${deferrable} })], { ${hint} });
export default { schemas: ["public", "app"], tables: [parent, child] };
`;
  const dir = await project(target, schema("app.child", "", ""));
  await converge(dir, "initial");
  await query(target, "insert into app.parent default values; insert into app.child (parent_id) values (1)");
  await writeSchema(dir, schema("app.kids", `renamedFrom: "app.child"`, `, deferrable: "deferred"`));
  const planned = await converge(dir, "rename + deferrable");
  assert.match(planned, /ALTER SEQUENCE "app"\."child_id_seq" RENAME TO "kids_id_seq"/, planned);
  assert.match(planned, /ALTER TABLE "app"\."kids" ALTER CONSTRAINT "child_parent_fk"/, planned);
  const fk = await query<{ d: boolean }>(
    target,
    "select condeferred as d from pg_constraint where conname = 'child_parent_fk'",
  );
  assert.deepEqual(fk, [{ d: true }]);
  const next = await query<{ id: number }>(target, "insert into app.kids (parent_id) values (1) returning id");
  assert.deepEqual(next, [{ id: 2 }]);
}, BACKENDS);

/** `plan` refuses the config on disk by name, exit non-zero, naming every `names` and the steps. */
async function refusesSwap(dir: string, names: readonly string[]): Promise<void> {
  const planned = await cli(dir, "plan");
  assert.notEqual(planned.code, 0, `a swap must be refused:\n${planned.output}`);
  assert.match(planned.output, /renamedFrom hints swap the names of/, planned.output);
  for (const name of names) assert.match(planned.output, new RegExp(`\\b${name}\\b`), planned.output);
  assert.match(planned.output, /in separate plans/, planned.output);
}

// Should: two tables swapping names by renamedFrom hints (each naming the
// other) are refused by name — a swap applied reads the same as one not yet
// made — and the steps the message gives keep the rows and sequences.
backendTest("two tables with serial ids swap names", async (target) => {
  const table = (name: string, column: string, hint?: string) =>
    `defineTable("${name}", { id: column("serial", { primaryKey: true }), ${column}: column("text", { notNull: true }) },
  undefined, { ${hint ? `renamedFrom: "${hint}"` : ""} })`;
  const tables = (...defs: string[]) => `export default { tables: [${defs.join(", ")}] };\n`;
  const dir = await project(target, tables(table("left", "x"), table("right", "y")));
  await converge(dir, "initial");
  await query(target, `insert into "left" (x) values ('l'); insert into "right" (y) values ('r'), ('r')`);
  await writeSchema(dir, tables(table("right", "x", "left"), table("left", "y", "right")));
  await refusesSwap(dir, ["public.left", "public.right"]);
  // The steps the message names: right → right_old, left → right, right_old → left.
  await writeSchema(dir, tables(table("left", "x"), table("right_old", "y", "right")));
  await converge(dir, "step 1");
  await writeSchema(dir, tables(table("right", "x", "left"), table("right_old", "y")));
  await converge(dir, "step 2");
  await writeSchema(dir, tables(table("right", "x", "left"), table("left", "y", "right_old")));
  await converge(dir, "step 3");
  assert.deepEqual(await query(target, `select x from "right"`), [{ x: "l" }]);
  assert.deepEqual(await query(target, `select y from "left"`), [{ y: "r" }, { y: "r" }]);
  const next = await query<{ l: number; r: number }>(
    target,
    `with l as (insert into "left" (y) values ('n') returning id), r as (insert into "right" (x) values ('n') returning id)
     select (select id from l) as l, (select id from r) as r`,
  );
  assert.deepEqual(next, [{ l: 3, r: 2 }]);
}, BACKENDS);

// Should: a partitioned table with an identity key renamed, with its
// partitions, renames the parent's sequence (and PG18 NOT NULL names) and
// re-plans empty.
backendTest("a partitioned table with an identity renamed", async (target) => {
  const schema = (name: string, hint: string) =>
    `const events = defineTable("${name}", {
  id: column("bigint", { identity: "by default" }),
  at: column("date", { notNull: true }),
}, (t) => [t.primaryKey(["id", "at"])], { partitionBy: { strategy: "range", keys: ["at"] }${hint} });
const y2024 = definePartition("events_2024", events, { from: ["2024-01-01"], to: ["2025-01-01"] });
const rest = definePartition("events_rest", events, "DEFAULT");
export default { tables: [events, y2024, rest] };
`;
  const dir = await project(target, schema("events", ""));
  await converge(dir, "initial");
  await query(target, "insert into events (at) values ('2024-05-01'), ('2030-01-01')");
  await writeSchema(dir, schema("happenings", `, renamedFrom: "events"`));
  await converge(dir, "rename");
  const next = await query<{ id: string }>(
    target,
    "insert into happenings (at) values ('2024-06-01') returning id::text",
  );
  assert.deepEqual(next, [{ id: "3" }]);
}, BACKENDS);

// Should: an identity column renamed while its options change (start,
// increment) renames the sequence and alters it; re-plans empty.
backendTest("a renamed identity column whose options change", async (target) => {
  const schema = (name: string, options: string) =>
    `const t = defineTable("t", {
  ${name}: column("bigint", { primaryKey: true, identity: ${options} }),
  v: column("text"),
});
export default { tables: [t] };
`;
  const dir = await project(target, schema("id", `"always"`));
  await converge(dir, "initial");
  await writeSchema(
    dir,
    schema("ticket", `{ generated: "by default", increment: 10, cache: 5 }, renamedFrom: "id"`),
  );
  const planned = await converge(dir, "rename + options");
  assert.match(planned, /ALTER SEQUENCE "public"\."t_id_seq" RENAME TO "t_ticket_seq"/, planned);
}, BACKENDS);

// Should: options PostgreSQL accepts are not refused at load nor marked WILL
// FAIL: btree over a domain over text with a text opclass, gin
// jsonb_path_ops, brin on timestamptz with minmax_multi, gist INCLUDE,
// storage main on a domain over text, a replica identity index on a
// partitioned table.
backendTest("options PostgreSQL accepts on domains, jsonb, timestamptz and partitioned tables", async (target) => {
  const dir = await project(
    target,
    `const label = defineDomain("label", { type: "text" });
const t = defineTable("t", {
  id: column("int", { primaryKey: true }),
  name: column(label, { storage: "main" }),
  doc: column("jsonb"),
  at: column("timestamptz"),
  span: column("tstzrange"),
}, (t) => [
  t.index([{ column: "name", opclass: "text_pattern_ops" }], { name: "t_name_pattern" }),
  t.index([{ column: "doc", opclass: "jsonb_path_ops" }], { using: "gin" }),
  t.index([{ column: "at", opclass: "timestamptz_minmax_multi_ops" }], { using: "brin" }),
  t.index(["span"], { using: "gist", include: ["id"] }),
]);
const p = defineTable("p", {
  id: column("int", { notNull: true }),
  at: column("date", { notNull: true }),
}, (t) => [t.index(["id", "at"], { name: "p_key", unique: true })], {
  partitionBy: { strategy: "range", keys: ["at"] },
  replicaIdentity: { index: "p_key" },
});
const p1 = definePartition("p_2024", p, { from: ["2024-01-01"], to: ["2025-01-01"] });
export default { tables: [t, p, p1] };
`,
  );
  await converge(dir, "accepted options");
}, BACKENDS);

// Should: an extension's operator class (pg_trgm's gin_trgm_ops) is accepted
// when the same plan creates the extension: the catalog does not have it yet.
backendTest("an extension's operator class when the plan creates the extension", async (target) => {
  const dir = await project(
    target,
    `const t = defineTable("t", { id: column("int", { primaryKey: true }), name: column("text") },
  (t) => [t.index([{ column: "name", opclass: "gin_trgm_ops" }], { using: "gin" })]);
export default { tables: [t], extensions: [defineExtension("pg_trgm")] };
`,
  );
  await converge(dir, "pg_trgm");
}, ["postgres"]);

/** Table t with serial columns, each `name` or `name<-old` (renamedFrom old). */
const serialColumns = (...columns: string[]) =>
  `const t = defineTable("t", {
${
    columns.map((c) => {
      const [name, from] = c.split("<-");
      return `  ${name}: column("serial"${from ? `, { renamedFrom: "${from}" }` : ""}),\n`;
    }).join("")
  }});
export default { tables: [t] };
`;

// Should: two serial columns of one table swapping names (each renamedFrom
// the other) are refused by name, never an empty plan; the steps the message
// gives move the data and the sequences (and PG18 NOT NULL names).
backendTest("two serial columns of one table swap names", async (target) => {
  const dir = await project(target, serialColumns("x", "y"));
  await converge(dir, "initial");
  await query(target, "insert into t default values; insert into t values (100, 200); select setval('t_y_seq', 10)");
  await writeSchema(dir, serialColumns("y<-x", "x<-y"));
  await refusesSwap(dir, ["x", "y", "public.t"]);
  // The steps the message names: y → y_old, x → y, y_old → x.
  await writeSchema(dir, serialColumns("x", "y_old<-y"));
  await converge(dir, "step 1");
  await writeSchema(dir, serialColumns("y<-x", "y_old"));
  await converge(dir, "step 2");
  await writeSchema(dir, serialColumns("y<-x", "x<-y_old"));
  await converge(dir, "step 3");
  assert.deepEqual(await query(target, "select x, y from t order by y"), [{ x: 1, y: 1 }, { x: 200, y: 100 }]);
  const next = await query<{ x: number; y: number }>(target, "insert into t default values returning x, y");
  assert.deepEqual(next, [{ x: 11, y: 2 }]);
}, BACKENDS);

// Should: three columns rotating names (a ← b, b ← c, c ← a) are refused the
// same way, and the three-rename steps the message gives rotate the data.
backendTest("three serial columns of one table rotate names", async (target) => {
  const dir = await project(target, serialColumns("a", "b", "c"));
  await converge(dir, "initial");
  await query(target, "insert into t values (1, 2, 3)");
  await writeSchema(dir, serialColumns("a<-b", "b<-c", "c<-a"));
  await refusesSwap(dir, ["a", "b", "c", "public.t"]);
  const message = (await cli(dir, "plan")).output;
  assert.match(message, /rename column a to a free name \(say a_old\)/, message);
  assert.match(message, /rename b to a and apply, then rename c to b and apply, then rename a_old to c/, message);
  // The steps the message names: a → a_old, b → a, c → b, a_old → c.
  await writeSchema(dir, serialColumns("a_old<-a", "b", "c"));
  await converge(dir, "step 1");
  await writeSchema(dir, serialColumns("a_old", "a<-b", "c"));
  await converge(dir, "step 2");
  await writeSchema(dir, serialColumns("a_old", "a<-b", "b<-c"));
  await converge(dir, "step 3");
  await writeSchema(dir, serialColumns("c<-a_old", "a<-b", "b<-c"));
  await converge(dir, "step 4");
  assert.deepEqual(await query(target, "select a, b, c from t"), [{ a: 2, b: 3, c: 1 }]);
}, BACKENDS);

// Should: a column renamed on a table whose 63-byte name truncates the
// derived names renames its sequence and (PostgreSQL 18) NOT NULL name to
// what PostgreSQL would choose, and re-plans empty.
backendTest("a column renamed on a 63-byte table name", async (target) => {
  const long = "é".repeat(31) + "a";
  const schema = (column: string, hint: string) =>
    `const t = defineTable("${long}", {
  ${JSON.stringify(column)}: column("serial", { primaryKey: true${hint} }),
  "näme": column("text", { notNull: true }),
});
export default { tables: [t] };
`;
  const dir = await project(target, schema("id", ""));
  await converge(dir, "initial");
  await writeSchema(dir, schema('ïd."x', `, renamedFrom: "id"`));
  await converge(dir, "rename");
}, BACKENDS);

// Should: a parent table renamed while its unique key is rebuilt (made
// NULLS NOT DISTINCT) drops and re-adds
// the child's foreign key on it, itself made deferrable in the same plan;
// the plan applies and re-plans empty.
backendTest("a renamed parent's unique key rebuilt under a foreign key altered in place", async (target) => {
  const schema = (parent: string, hint: string, deferrable: string) =>
    `const parent = defineTable("${parent}", { id: column("int", { primaryKey: true }), code: column("int", { notNull: true }) },
  (t) => [t.unique(["code"], { name: "parent_code_key"${deferrable ? ", nullsNotDistinct: true" : ""} })], { ${hint} });
const child = defineTable("child", { id: column("int", { primaryKey: true }), code: column("int") },
  (t) => [t.reference("code", "${parent}", "code", { name: "child_code_fk"${deferrable} })]);
export default { tables: [parent, child] };
`;
  const dir = await project(target, schema("parent", "", ""));
  await converge(dir, "initial");
  await query(target, "insert into parent values (1, 10); insert into child values (1, 10)");
  await writeSchema(dir, schema("mother", `renamedFrom: "parent"`, `, deferrable: "deferred"`));
  const planned = await converge(dir, "rename + rebuilt key");
  assert.match(planned, /DROP CONSTRAINT "child_code_fk"/, planned);
  const fk = await query<{ d: boolean }>(
    target,
    "select condeferred as d from pg_constraint where conname in ('child_code_fk', 'parent_code_key') order by conname",
  );
  assert.deepEqual(fk, [{ d: true }, { d: false }]);
}, BACKENDS);

// Should: an index added on a column whose type is a domain over a domain
// over text (both already in the database, so plan asks the catalog) is
// accepted with text_pattern_ops and with the default operator class, as
// PostgreSQL accepts it. Did: WILL FAIL, as only one domain level was
// looked through (src/option_blockers.ts).
backendTest("an index on a domain over a domain over text, added once the domains exist", async (target) => {
  const schema = (indexes: string) =>
    `const label = defineDomain("label", { type: "text" });
const short = defineDomain("short_label", { type: "label", checks: [{ expression: "length(VALUE) < 20" }] });
const t = defineTable("t", {
  id: column("int", { primaryKey: true }),
  name: column(short, { storage: "main" }),
  tags: column("short_label[]"),
}, (t) => [${indexes}]);
export default { tables: [t], domains: [label, short] };
`;
  const dir = await project(target, schema(""));
  await converge(dir, "domains");
  await writeSchema(
    dir,
    schema(`t.index([{ column: "name", opclass: "text_pattern_ops" }], { name: "t_name_pattern" }),
  t.index(["name"], { name: "t_name_plain" }),
  t.index(["tags"], { using: "gin" })`),
  );
  const planned = await converge(dir, "indexes");
  assert.doesNotMatch(planned, /WILL FAIL/, planned);
}, BACKENDS);

// Should: a replica identity index over columns that are NOT NULL without
// notNull written (serial, identity, members of a composite primary key) is
// accepted at config load, as PostgreSQL accepts it.
backendTest("replica identity over serial, identity and composite primary key columns", async (target) => {
  const dir = await project(
    target,
    `const t = defineTable("t", {
  a: column("int"),
  b: column("int"),
  s: column("serial"),
  i: column("int", { identity: "always" }),
}, (t) => [t.primaryKey(["a", "b"]), t.index(["a", "s", "i"], { name: "t_ident", unique: true, include: ["b"] })],
  { replicaIdentity: { index: "t_ident" } });
export default { tables: [t] };
`,
  );
  await converge(dir, "replica identity");
}, BACKENDS);

// Should: a foreign key with quotes, a dot and unicode in its name is altered
// in place through deferred, immediate and not deferrable, keeping its oid,
// each step re-planning empty.
backendTest("a hostile-named foreign key altered in place step by step", async (target) => {
  const schema = (deferrable: string) =>
    `const p = defineTable("p", { id: column("int", { primaryKey: true }) });
const c = defineTable("c", { id: column("int", { primaryKey: true }), p_id: column("int") },
  (t) => [t.reference("p_id", "p", "id", { name: 'fk "ø".x'${deferrable} })]);
export default { tables: [p, c] };
`;
  const dir = await project(target, schema(""));
  await converge(dir, "initial");
  const oid = async () =>
    await query<{ oid: number; d: boolean; i: boolean }>(
      target,
      `select oid::int, condeferrable as d, condeferred as i from pg_constraint where conname = 'fk "ø".x'`,
    );
  const [first] = await oid();
  for (
    const [deferrable, d, i] of [
      [`, deferrable: "deferred"`, true, true],
      [`, deferrable: "immediate"`, true, false],
      ["", false, false],
    ] as const
  ) {
    await writeSchema(dir, schema(deferrable));
    const planned = await converge(dir, deferrable);
    assert.match(planned, /ALTER CONSTRAINT "fk ""ø""\.x"/, planned);
    assert.deepEqual(await oid(), [{ oid: first.oid, d, i }]);
  }
}, BACKENDS);

// Should: apply --dry-run of a migration renaming a table prints the
// sequence (and PostgreSQL 18 NOT NULL) renames and changes nothing.
backendTest("apply --dry-run of a table rename prints its derived renames", async (target) => {
  const schema = (name: string, hint: string) =>
    `const t = defineTable("${name}", { id: column("serial", { primaryKey: true }), v: column("text", { notNull: true }) },
  undefined, { ${hint} });
export default { tables: [t] };
`;
  const dir = await project(target, schema("orders", ""));
  await converge(dir, "initial");
  await writeSchema(dir, schema("purchases", `renamedFrom: "orders"`));
  const generated = await cli(dir, "generate");
  assert.equal(generated.code, 0, generated.output);
  const dry = await cli(dir, "apply", "--dry-run");
  assert.equal(dry.code, 0, dry.output);
  assert.match(dry.stdout, /ALTER SEQUENCE "public"\."orders_id_seq" RENAME TO "purchases_id_seq"/, dry.output);
  const left = await query<{ n: string }>(target, "select relname::text as n from pg_class where relkind = 'S'");
  assert.deepEqual(left, [{ n: "orders_id_seq" }]);
  const applied = await cli(dir, "apply");
  assert.equal(applied.code, 0, applied.output);
  const replanned = await cli(dir, "plan", "--exit-code");
  assert.equal(replanned.code, 0, replanned.output);
}, BACKENDS);

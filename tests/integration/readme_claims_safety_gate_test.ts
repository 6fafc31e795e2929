/**
 * Hostile checks of README "Migration files" and "Safety" claims, through the real CLI on the PostgreSQL server and
 * on PGlite. Every test quotes the claim it holds the code to.
 *
 * This file: the destructive gate, in `generate` and in `apply` of hand-written files.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { cli, generateAndApply, inlineProject as project, migrationNames, query } from "../support/claims.ts";
import { writeMigrationFile } from "../support/hand_migrations.ts";

// README "Safety": "Destructive-change gate: dropping a table, column, index, constraint, type, partition or view,
// narrowing a type (...), a conversion with a hand-written `USING`, dropping a default, ... `plan` marks them,
// `generate` refuses them without `--allow-destructive` and says what would be lost". README "Extensions and
// sequences": "Dropping a sequence (it loses its current value) ... is destructive".
// A column going from `serial` to a plain `integer` drops its default (`nextval(...)`) and its sequence.
backendTest("serial → integer drops a default and a sequence: generate refuses it without the flag", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("items", { id: column("serial", { primaryKey: true }), note: column("text") })]`,
  );
  await generateAndApply(dir);
  await query(target, "insert into items (note) values ('a'), ('b'), ('c')");
  const config = `${dir}/kyrage.config.ts`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)).replace(`column("serial", {`, `column("integer", {`),
  );
  const before = migrationNames(dir);

  const generated = await cli(dir, "generate");
  assert.match(generated.output, /no longer serial/, generated.output);
  assert.equal(generated.code, 1, `generate refuses without --allow-destructive:\n${generated.output}`);
  assert.deepEqual(migrationNames(dir), before, "nothing written");

  const plan = await cli(dir, "plan");
  assert.equal(plan.code, 0, plan.output);
  assert.match(plan.stdout, /DESTRUCTIVE/, `plan marks dropping the default and the sequence:\n${plan.output}`);
});

// README "Safety": "Destructive-change gate: dropping a ... column ... is decided from the operation's type, never
// from SQL text. ... `apply` refuses destructive operations in a file without it". README "Migration files": "Files
// are validated when read (a malformed file is refused, with its path and the problem, before anything runs)".
// A hand-written `drop_column` whose column claims to be generated (it is not) passes the gate: its values go.
backendTest(
  "a hand-written drop_column that says the column is generated is still refused by apply",
  async (target) => {
    const dir = await project(
      target,
      `tables: [defineTable("items", { id: column("int", { primaryKey: true }), note: column("text") })]`,
    );
    await generateAndApply(dir);
    await query(target, "insert into items values (1, 'keep me'), (2, 'and me')");
    const path = await writeMigrationFile(dir, "20300101000000000", [{
      kind: "drop_column",
      schema: "public",
      table: "items",
      column: { name: "note", type: "text", notNull: false, generated: "id::text" },
    }]);

    const applied = await cli(dir, "apply");
    const left = await query<{ n: number }>(
      target,
      "select count(*)::int as n from information_schema.columns where table_name = 'items' and column_name = 'note'",
    );
    assert.equal(
      left[0].n,
      1,
      `column items.note and its values were dropped without --allow-destructive:\n${applied.output}`,
    );
    assert.equal(applied.code, 1, applied.output);
    assert.ok(applied.stderr.includes(path), applied.stderr);
  },
);

// README "Safety": "... `apply` refuses destructive operations in a file without it". README "Extensions and
// sequences": "Dropping a sequence (it loses its current value) ... is destructive".
// A hand-written `drop_object` marked `recreated: true` with nothing creating it again passes the gate.
backendTest("a hand-written drop_object marked recreated, never created again, is refused by apply", async (target) => {
  const dir = await project(
    target,
    `tables: [], sequences: [defineSequence("invoice_number", { start: 1000 })]`,
  );
  await generateAndApply(dir);
  await query(target, "select nextval('invoice_number'), nextval('invoice_number')");
  const [first] = migrationNames(dir);
  const written = JSON.parse(await Deno.readTextFile(`${dir}/migrations/${first}`));
  const create = written.operations.find((op: { kind: string }) => op.kind === "create_object");
  assert.ok(create, `the first migration creates the sequence: ${JSON.stringify(written)}`);
  const path = await writeMigrationFile(dir, "20300101000000000", [{
    kind: "drop_object",
    object: create.object,
    recreated: true,
  }]);

  const applied = await cli(dir, "apply");
  const left = await query<{ found: boolean }>(
    target,
    "select to_regclass('public.invoice_number') is not null as found",
  );
  assert.equal(
    left[0].found,
    true,
    `sequence invoice_number was dropped without --allow-destructive:\n${applied.output}`,
  );
  assert.equal(applied.code, 1, applied.output);
  assert.ok(applied.stderr.includes(path), applied.stderr);
});

// README "Safety": "dropping a ... default ... `generate` refuses them without `--allow-destructive`"; README
// "Extensions and sequences": "Dropping a sequence (it loses its current value) ... is destructive".
// Dropping a column's identity drops the sequence that numbers it (`DROP IDENTITY`), as serial → integer does.
backendTest("dropping an identity (and its sequence) is refused by generate without the flag", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("items", { id: column("int", { primaryKey: true, identity: "always" }), note: column("text") })]`,
  );
  await generateAndApply(dir);
  await query(target, "insert into items (note) values ('a'), ('b')");
  const config = `${dir}/kyrage.config.ts`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)).replace(`, identity: "always" }`, ` }`),
  );
  const before = migrationNames(dir);
  const generated = await cli(dir, "generate");
  assert.match(generated.output, /drop identity/, generated.output);
  assert.equal(generated.code, 1, `generate refuses without --allow-destructive:\n${generated.output}`);
  assert.deepEqual(migrationNames(dir), before, "nothing written");
});

// README "Migration files": "Files hold typed operations, not SQL"; README "Safety": "Destructive-change gate: ...
// decided from the operation's type, never from SQL text. ... `apply` refuses destructive operations in a file
// without it". A hand-written step is announced before it runs; an `add_column` whose `type` holds a second
// statement is neither announced nor gated, and drops a populated table.
backendTest("an add_column whose type smuggles a DROP TABLE is refused, not run", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("victim", { id: column("int", { primaryKey: true }) })]`,
  );
  await generateAndApply(dir);
  await query(target, "insert into victim values (1), (2), (3)");
  const path = await writeMigrationFile(dir, "20300101000000000", [{
    kind: "add_column",
    schema: "public",
    table: "victim",
    column: { name: "note", type: `text; DROP TABLE "public"."victim"`, notNull: false },
  }]);

  const applied = await cli(dir, "apply");
  const left = await query<{ found: boolean }>(target, "select to_regclass('public.victim') is not null as found");
  assert.equal(left[0].found, true, `table victim and its 3 rows were dropped by an add_column:\n${applied.output}`);
  assert.equal(applied.code, 1, applied.output);
  assert.ok(applied.stderr.includes(path), applied.stderr);
});

// README "Safety": "Destructive-change gate: ... narrowing a type (`text` → `varchar(10)`, `bigint` → `integer`) ...
// `apply` refuses destructive operations in a file without it". README "Migration files": "`apply` compiles exactly
// the stored operations in their stored order, never re-plans them". Two branches: A widens `amount` integer →
// bigint, B makes it numeric and is applied first (rows now hold cents). A's file, applied next, still says
// "integer → bigint" (not destructive) but converts numeric → bigint: every fraction is rounded away.
backendTest("a merged file whose type change no longer widens the live column is refused by apply", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("orders", { id: column("int", { primaryKey: true }), amount: column("integer") })]`,
  );
  await generateAndApply(dir);
  const config = `${dir}/kyrage.config.ts`;
  const v1 = await Deno.readTextFile(config);
  // Branch A: integer → bigint, generated (not applied), kept aside as a branch keeps it.
  await Deno.writeTextFile(config, v1.replace(`amount: column("integer")`, `amount: column("bigint")`));
  const beforeA = migrationNames(dir);
  const generatedA = await cli(dir, "generate");
  assert.equal(generatedA.code, 0, generatedA.output);
  const [fileA] = migrationNames(dir).filter((n) => !beforeA.includes(n));
  const textA = await Deno.readTextFile(`${dir}/migrations/${fileA}`);
  await Deno.remove(`${dir}/migrations/${fileA}`);
  // Branch B: integer → numeric, merged and applied first; rows hold fractions.
  await Deno.writeTextFile(config, v1.replace(`amount: column("integer")`, `amount: column("numeric")`));
  await generateAndApply(dir);
  await query(target, "insert into orders values (1, 10.25), (2, 0.99)");
  // Branch A merged: its file comes back.
  await Deno.writeTextFile(`${dir}/migrations/${fileA}`, textA);

  const applied = await cli(dir, "apply");
  const rows = await query<{ amount: string }>(target, "select amount::text as amount from orders order by id");
  assert.deepEqual(
    rows.map((r) => r.amount),
    ["10.25", "0.99"],
    `the cents were rounded away without --allow-destructive (exit ${applied.code}):\n${applied.output}`,
  );
  assert.equal(applied.code, 1, applied.output);
});

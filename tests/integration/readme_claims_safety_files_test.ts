/**
 * Hostile checks of README "Migration files" and "Safety" claims, through the real CLI on the PostgreSQL server and
 * on PGlite. Every test quotes the claim it holds the code to.
 *
 * This file: hand-written and tampered migration files, validated when read.
 */
import assert from "node:assert/strict";
import { backendTest, serverTest } from "../support/backends.ts";
import { cli, generateAndApply, inlineProject as project, migrationNames, query } from "../support/claims.ts";
import { writeMigrationFile } from "../support/hand_migrations.ts";

// README "Migration files": "Files are validated when read (a malformed file is refused, with its path and the
// problem, before anything runs)" and "`apply` compiles exactly the stored operations"; README "Constraints and
// indexes": "names over 63 bytes are rejected when the config loads". PostgreSQL cuts a longer name to 63 bytes
// (a NOTICE): the table created is not the one the file names.
backendTest(
  "a migration file naming a table over 63 bytes is refused, not created under a cut name",
  async (target) => {
    const dir = await project(target, `tables: []`);
    const long = "t".repeat(64);
    const path = await writeMigrationFile(dir, "20300101000000000", [{
      kind: "create_table",
      schema: "public",
      table: long,
      columns: [{ name: "id", type: "integer", notNull: false }],
    }]);

    const applied = await cli(dir, "apply");
    const created = await query<{ relname: string }>(
      target,
      "select relname from pg_class where relname like 'ttt%' and relkind = 'r'",
    );
    assert.deepEqual(created, [], `a table was created under a name the file does not hold:\n${applied.output}`);
    assert.equal(applied.code, 1, applied.output);
    assert.ok(applied.stderr.includes(path), applied.stderr);
  },
);

// README "Migration files": "`\"transaction\": false`: alone, outside one, for a single statement that needs it";
// README "Safety": "the error names the migration, the statement, PostgreSQL's message ... (and what that usually
// means for a migration)". A failed hand-written `CREATE UNIQUE INDEX CONCURRENTLY` leaves an INVALID index behind,
// yet the error says "re-running apply repeats it safely": after the duplicates are removed, the re-run fails on it.
serverTest(
  "a failed transaction: false step that says a re-run repeats it safely can be re-run",
  async (_db, _dir, target) => {
    const dir = await project(
      target,
      `tables: [defineTable("items", { id: column("int", { primaryKey: true }), v: column("int") })]`,
    );
    await generateAndApply(dir);
    await query(target, "insert into items values (1, 7), (2, 7)");
    await writeMigrationFile(dir, "20300101000000000", [{
      kind: "sql",
      sql: `CREATE UNIQUE INDEX CONCURRENTLY items_v_uniq ON "public"."items" (v)`,
      transaction: false,
    }]);
    const failed = await cli(dir, "apply");
    assert.equal(failed.code, 1, failed.output);
    assert.match(failed.stderr, /Key \(v\)=\(7\) is duplicated/);
    if (!/repeats it safely/.test(failed.stderr)) return; // no promise made: nothing to hold it to

    await query(target, "delete from items where id = 2");
    const rerun = await cli(dir, "apply");
    assert.equal(
      rerun.code,
      0,
      `the error promised a safe re-run, which fails:\n${failed.stderr}\n---\n${rerun.output}`,
    );
    const valid = await query<{ valid: boolean }>(
      target,
      "select indisvalid as valid from pg_index where indexrelid = 'public.items_v_uniq'::regclass",
    );
    assert.deepEqual(valid, [{ valid: true }]);
  },
);

// README "Migration files": "`migrations/<id>.json`, where the id is the UTC creation time `YYYYMMDDHHMMSSmmm`
// (sortable)" and "Files are validated when read (a malformed file is refused ...)". The reader takes any 17 digits
// as an id, even one that is no time (month 99); `generate` then writes the next id, 18 digits long, which sorts
// before it and which every command refuses as malformed: generate leaves a directory no command can read.
backendTest("generate never writes a migration file that the next command refuses", async (target) => {
  const dir = await project(target, `tables: [defineTable("items", { id: column("int", { primaryKey: true }) })]`);
  await writeMigrationFile(dir, "99999999999999999", []);
  const applied = await cli(dir, "apply");
  if (applied.code !== 0) {
    // Refusing such an id up front keeps the claim: say so with the file named.
    assert.ok(applied.stderr.includes("99999999999999999.json"), applied.output);
    return;
  }
  const generated = await cli(dir, "generate");
  assert.equal(generated.code, 0, generated.output);
  const status = await cli(dir, "status");
  assert.equal(status.code, 0, `generate wrote ${migrationNames(dir).join(", ")}, then:\n${status.output}`);
});

// README "Migration files": "`migrations/<id>.json` ... Files are validated when read (a malformed file is refused,
// with its path and the problem, before anything runs)". A migration file that is a symbolic link (a shared or
// vendored migration) is neither read nor refused: `status` lists nothing and `apply` says the database is up to date.
backendTest("a migration file that is a symbolic link is applied or refused, never skipped", async (target) => {
  const dir = await project(target, `tables: [defineTable("items", { id: column("int", { primaryKey: true }) })]`);
  const id = "20300101000000000";
  const real = await writeMigrationFile(dir, id, [{
    kind: "create_table",
    schema: "public",
    table: "items",
    columns: [{ name: "id", type: "integer", notNull: true }],
    primaryKey: { name: "items_pkey", columns: ["id"] },
  }]);
  await Deno.mkdir(`${dir}/shared`);
  await Deno.rename(real, `${dir}/shared/${id}.json`);
  await Deno.symlink(`../shared/${id}.json`, real);

  const status = await cli(dir, "status");
  const applied = await cli(dir, "apply");
  const created = await query<{ found: boolean }>(target, "select to_regclass('public.items') is not null as found");
  if (applied.code === 0) {
    assert.equal(created[0].found, true, `apply skipped ${real}:\n${status.output}\n---\n${applied.output}`);
  } else {
    assert.ok(applied.stderr.includes(real), applied.output);
  }
});

// README "Migration files": "A hand-written step ... holds `{ "kind": "sql", "sql": "...", "transaction": true }`:
// kyrage runs it as written, in the migration's transaction, from a PL/pgSQL block ... (hence `CREATE TABLE ... AS
// SELECT`, not `SELECT ... INTO`, which PL/pgSQL lacks; the error says so)". PL/pgSQL's own hint spoke of an EXECUTE
// the user never wrote; the error now says what to write, and the written form runs.
backendTest(
  "a hand-written SELECT ... INTO step is refused saying to write CREATE TABLE ... AS, which runs",
  async (target) => {
    const dir = await project(target, `tables: [defineTable("events", { id: column("int", { primaryKey: true }) })]`);
    await generateAndApply(dir);
    await query(target, "insert into events values (1), (2)");
    await writeMigrationFile(dir, "20300101000000000", [{
      kind: "sql",
      sql: `SELECT * INTO "public"."events_archive" FROM "public"."events"`,
      transaction: true,
    }]);
    const refused = await cli(dir, "apply");
    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.stderr, /write CREATE TABLE \.\.\. AS SELECT \.\.\. instead/);
    assert.doesNotMatch(
      refused.stderr,
      /EXECUTE \.\.\. INTO or EXECUTE/,
      "PL/pgSQL's hint about an EXECUTE is left out",
    );
    await writeMigrationFile(dir, "20300101000000000", [{
      kind: "sql",
      sql: `CREATE TABLE "public"."events_archive" AS SELECT * FROM "public"."events"`,
      transaction: true,
    }]);
    const applied = await cli(dir, "apply");
    assert.equal(applied.code, 0, applied.output);
    const rows = await query<{ n: number }>(target, `select count(*)::int as n from "public"."events_archive"`);
    assert.deepEqual(rows, [{ n: 2 }]);
  },
);

/**
 * Extensions (issue 16): created before the tables that use their types,
 * changed in place (version, schema), dropped last and only through the
 * destructive gate, refused while a column still uses their types; on PGlite
 * through the contrib bundles the config declares.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, type Config, defineExtension, defineTable } from "../../src/config/dsl.ts";
import { type Database, openDatabase } from "../../src/dialect/database.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { extensionNames } from "../../src/model/objects/extension.ts";
import { backendTest, type TestDatabase } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";
import { kinds } from "../support/objects.ts";

const users = (emailType = "citext") =>
  defineTable("users", {
    id: column("uuid", { primaryKey: true, defaultSql: "gen_random_uuid()" }),
    email: column(emailType, { notNull: true, unique: true }),
    token: column("bytea", { defaultSql: "digest('x', 'sha256')" }),
  });

const config = (over: Partial<Config> = {}): Config => ({
  tables: [users()],
  extensions: [defineExtension("citext"), defineExtension("pgcrypto")],
  ...over,
});

/** As the CLI opens a database for a config: PGlite with the bundles of the extensions it declares. */
function extensionTest(
  name: string,
  fn: (database: Database, dir: string, target: TestDatabase) => Promise<void>,
  declared: readonly string[] = ["citext", "pgcrypto"],
): void {
  backendTest(name, async (target) => {
    const dir = await Deno.makeTempDir();
    const database = await openDatabase(
      target.target.dialect === "pglite" ? { ...target.target, extensions: declared } : target.target,
    );
    try {
      await fn(database, dir, target);
    } finally {
      await database.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

const installed = async (database: Database) =>
  (await sql<{ name: string; schema: string; version: string }>`
    select extname::text as name, extnamespace::regnamespace::text as schema, extversion::text as version
    from pg_extension where extname <> 'plpgsql' order by 1`.execute(database.db)).rows;

extensionTest("extensions are created before the tables using their types and re-plan empty", async (database, dir) => {
  const ops = await converge(database, dir, config());
  assert.deepEqual(kinds(ops).slice(0, 3), ["create_object citext", "create_object pgcrypto", "create_table"]);
  await sql`insert into users (email) values ('Ann@X')`.execute(database.db);
  const rows = await sql<{ n: number }>`select count(*)::int as n from users where email = 'ann@x'`.execute(
    database.db,
  );
  assert.equal(rows.rows[0].n, 1, "citext compares case-insensitively");
  assert.deepEqual((await installed(database)).map((e) => e.name), ["citext", "pgcrypto"]);
});

extensionTest("a pinned version is updated in place; a moved extension is altered, never recreated", async (d, dir) => {
  await converge(
    d,
    dir,
    config({ extensions: [defineExtension("citext", { version: "1.5" }), defineExtension("pgcrypto")] }),
  );
  assert.equal((await installed(d))[0].version, "1.5");
  const updated = await converge(
    d,
    dir,
    config({ extensions: [defineExtension("citext", { version: "1.6" }), defineExtension("pgcrypto")] }),
  );
  assert.deepEqual(kinds(updated), ["alter_object citext"]);
  assert.equal((await installed(d))[0].version, "1.6");
  const moved = config({
    schemas: ["public", "crypto"],
    extensions: [defineExtension("citext"), defineExtension("pgcrypto", { schema: "crypto" })],
    tables: [
      defineTable("users", { id: column("uuid", { primaryKey: true }) }),
    ],
  });
  await sql`drop table users`.execute(d.db);
  const ops = await converge(d, dir, moved);
  assert.deepEqual(kinds(ops), ["create_schema", "alter_object pgcrypto", "create_table"]);
  assert.deepEqual((await installed(d)).map((e) => `${e.name}:${e.schema}`), ["citext:public", "pgcrypto:crypto"]);
});

extensionTest("dropping an extension is gated, and refused while a column uses its type", async (database, dir) => {
  await converge(database, dir, config());
  const withoutCitext = config({ extensions: [defineExtension("pgcrypto")] });
  await assert.rejects(
    () => generateMigration(database, loaded(withoutCitext, dir), { allowDestructive: true }),
    (e: Error) => e instanceof KyrageError && /extension citext/.test(e.message) && /users\.email/.test(e.message),
  );
  const unused = config({ tables: [users("text")], extensions: [defineExtension("pgcrypto")] });
  await assert.rejects(
    () => generateMigration(database, loaded(unused, dir)),
    (e: Error) => e instanceof KyrageError && /extension citext/.test(e.message),
  );
  const ops = await converge(database, dir, unused);
  assert.deepEqual(kinds(ops), ["alter_column", "drop_object citext"], "dropped after the column stops using it");
  assert.deepEqual((await installed(database)).map((e) => e.name), ["pgcrypto"]);
});

extensionTest("an extension kyrage's schemas do not hold, or no config declares, is left alone", async (d, dir) => {
  await sql`create schema other`.execute(d.db);
  await sql`create extension citext schema other`.execute(d.db);
  const ops = await converge(d, dir, { tables: [defineTable("t", { id: column("int") })] });
  assert.deepEqual(kinds(ops), ["create_table"]);
  assert.deepEqual((await installed(d)).map((e) => e.name), ["citext"]);
}, ["citext"]);

backendTest("an extension the server lacks is refused with its name before anything is planned", async (target) => {
  const database = await target.open();
  const dir = await Deno.makeTempDir();
  try {
    const lacking = config({ tables: [], extensions: [defineExtension("no_such_extension")] });
    await assert.rejects(
      () => plan(database, loaded(lacking, dir)),
      (e: Error) =>
        e instanceof KyrageError && /Extension no_such_extension/.test(e.message) &&
        (target.backend === "pglite" ? /dev\.connectionString/ : /install its package/).test(e.message),
    );
  } finally {
    await database.close();
    await Deno.remove(dir, { recursive: true });
  }
});

backendTest("the CLI applies a config declaring citext, on PGlite too, and re-plans empty", async (target) => {
  const schema = `import { column, defineConfig, defineExtension, defineTable } from "kyrage";
export default defineConfig({
  database: ${databaseBlock(target)},
  extensions: [defineExtension("citext")],
  tables: [defineTable("users", { email: column("citext", { primaryKey: true }) })],
});`;
  const dir = await tempProject({ "kyrage.config.ts": schema });
  try {
    const generated = await runCli(["generate"], { cwd: dir });
    assert.equal(generated.code, 0, generated.stderr);
    const applied = await runCli(["apply"], { cwd: dir });
    assert.equal(applied.code, 0, applied.stderr);
    const again = await runCli(["plan"], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout + again.stderr, /No changes/);
    const checked = await runCli(["check"], { cwd: dir });
    assert.equal(checked.code, 0, checked.stderr + checked.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("extensionNames lists the declared extensions", () => {
  assert.deepEqual(extensionNames(loaded(config(), "/tmp").desired.objects), ["citext", "pgcrypto"]);
});

/**
 * Row-level security and policies (issue 16): enabled on a table and its
 * policies created after it, compared as PostgreSQL prints them, changed in
 * place with ALTER POLICY or dropped and created again (around a change of
 * a column they read too), gated when dropped, following a table rename,
 * and pulled back exactly; populated tables keep every row.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, type Config, definePolicy, defineTable, type PolicyOptions } from "../../src/config/dsl.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";
import { kinds } from "../support/objects.ts";

const notes = (ownerType = "varchar(63)", name = "notes", renamedFrom?: string) =>
  defineTable(
    name,
    {
      id: column("int", { primaryKey: true }),
      owner: column(ownerType, { notNull: true, defaultSql: "current_user" }),
      body: column("text"),
      shared: column("boolean", { notNull: true, defaultSql: "false" }),
    },
    undefined,
    { rowLevelSecurity: true, ...(renamedFrom ? { renamedFrom } : {}) },
  );

// Written the way a person writes SQL; PostgreSQL prints it back differently.
const readOwn = (over: Partial<PolicyOptions> = {}) =>
  definePolicy("read_own", {
    table: "notes",
    command: "select",
    using: "OWNER = CURRENT_USER or shared",
    comment: "Readers see their notes and shared ones",
    ...over,
  });
const writeOwn = (over: Partial<PolicyOptions> = {}) =>
  definePolicy("write_own", {
    table: "notes",
    as: "restrictive",
    to: ["pg_read_all_data"],
    using: "owner = current_user",
    withCheck: "owner = current_user",
    ...over,
  });

const config = (over: Partial<Config> = {}): Config => ({
  tables: [notes()],
  policies: [readOwn(), writeOwn()],
  ...over,
});

interface PolicyRow {
  name: string;
  cmd: string;
  permissive: string;
  roles: string[];
  qual: string | null;
  with_check: string | null;
}
const policies = async (database: Parameters<Parameters<typeof databaseTest>[1]>[0]) =>
  (await sql<PolicyRow>`select policyname::text as name, cmd, permissive, roles::text[] as roles, qual, with_check
    from pg_policies where tablename = 'notes' order by policyname`.execute(database.db)).rows;

databaseTest("row-level security and two policies are created after their table and re-plan empty", async (db, dir) => {
  const ops = await converge(db, dir, config());
  assert.deepEqual(kinds(ops), ["create_table", "alter_table", "create_object read_own", "create_object write_own"]);
  const rls = await sql<{ on: boolean }>`select relrowsecurity as on from pg_class where relname = 'notes'`
    .execute(db.db);
  assert.equal(rls.rows[0].on, true);
  const rows = await policies(db);
  assert.deepEqual(rows.map((r) => [r.name, r.cmd, r.permissive, r.roles]), [
    ["read_own", "SELECT", "PERMISSIVE", ["public"]],
    ["write_own", "ALL", "RESTRICTIVE", ["pg_read_all_data"]],
  ]);
  const comment = await sql<{ c: string }>`select obj_description(oid, 'pg_policy') as c from pg_policy
    where polname = 'read_own'`.execute(db.db);
  assert.equal(comment.rows[0].c, "Readers see their notes and shared ones");
});

databaseTest("a policy's formatting and case never make a change", async (db, dir) => {
  await converge(db, dir, config());
  const reformatted = readOwn({ using: "(owner = CURRENT_USER)\n   OR   shared" });
  assert.deepEqual(await plan(db, loaded(config({ policies: [reformatted, writeOwn()] }), dir)), []);
});

databaseTest("roles and expressions change in place; command and kind rebuild; rows kept", async (db, dir) => {
  await converge(db, dir, config());
  await sql`insert into notes (id, owner, body) values (1, 'ann', 'a'), (2, 'bob', 'b')`.execute(db.db);
  const altered = await converge(
    db,
    dir,
    config({ policies: [readOwn({ using: "owner = current_user" }), writeOwn({ to: ["public"] })] }),
  );
  assert.deepEqual(kinds(altered), ["alter_object read_own", "alter_object write_own"]);
  const rebuilt = await converge(
    db,
    dir,
    config({
      policies: [
        readOwn({ using: "owner = current_user", command: "all" }),
        writeOwn({ to: ["public"], as: "permissive" }),
      ],
    }),
  );
  assert.deepEqual(kinds(rebuilt), [
    // Drops run readers first, in name order among equals.
    "drop_object read_own",
    "drop_object write_own",
    "create_object read_own",
    "create_object write_own",
  ]);
  assert.ok(rebuilt.every((op) => op.kind !== "drop_object" || op.recreated), "rebuilds are not losses");
  const count = await sql<{ n: number }>`select count(*)::int as n from notes`.execute(db.db);
  assert.equal(count.rows[0].n, 2, "rows kept");
});

databaseTest("a column type change under a policy drops it, alters the column, creates it again", async (db, dir) => {
  await converge(db, dir, config());
  await sql`insert into notes (id, owner) values (1, 'ann')`.execute(db.db);
  const ops = await converge(db, dir, config({ tables: [notes("text")] }));
  assert.deepEqual(kinds(ops), [
    // Drops run readers first, in name order among equals.
    "drop_object read_own",
    "drop_object write_own",
    "alter_column",
    "create_object read_own",
    "create_object write_own",
  ]);
  const rows = await sql<{ owner: string }>`select owner from notes`.execute(db.db);
  assert.deepEqual(rows.rows, [{ owner: "ann" }]);
});

databaseTest("a removed policy is gated; row-level security is switched off", async (db, dir) => {
  await converge(db, dir, config());
  await assert.rejects(
    () => generateMigration(db, loaded(config({ policies: [readOwn()] }), dir)),
    (e: Error) => e instanceof KyrageError && /policy write_own on public\.notes/.test(e.message),
  );
  const dropped = await converge(db, dir, config({ policies: [readOwn()] }));
  assert.deepEqual(kinds(dropped), ["drop_object write_own"]);
  const plain = defineTable("notes", notes().columns, undefined);
  const off = await converge(db, dir, config({ tables: [plain], policies: [readOwn()] }));
  assert.deepEqual(kinds(off), ["alter_table"]);
});

databaseTest("a renamed table keeps its policies", async (db, dir) => {
  await converge(db, dir, config());
  const table = "journal";
  const ops = await converge(db, dir, {
    tables: [notes(undefined, table, "notes")],
    policies: [readOwn({ table }), writeOwn({ table })],
  });
  const renames = new Set(["rename_constraint", "rename_index", "rename_not_null"]);
  assert.deepEqual(kinds(ops).filter((k) => !renames.has(k)), ["rename_table"]);
});

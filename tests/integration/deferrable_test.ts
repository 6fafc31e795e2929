/**
 * A foreign key whose deferrability alone changes is altered in place
 * (`ALTER CONSTRAINT`): the same constraint, no drop, no validation scan.
 * Any other change still rebuilds it, and a unique key or primary key made
 * deferrable (which PostgreSQL cannot alter) is rebuilt as before. Each
 * change converges: applied, it re-plans to nothing.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, defineTable } from "../../src/config/dsl.ts";
import type { Deferrable, ReferentialAction } from "../../src/model/types.ts";
import type { Database } from "../../src/dialect/database.ts";
import { compileOperation } from "../../src/dialect/postgres/compile.ts";
import { hazardsOf, heldLock } from "../../src/diff/hazards.ts";
import type { Operation } from "../../src/diff/operations.ts";
import { KyrageError } from "../../src/errors.ts";
import { applyMigrations } from "../../src/migrations/runner.ts";
import { readMigrations } from "../../src/migrations/store.ts";
import { databaseTest, serverTest } from "../support/backends.ts";
import { converge } from "../support/pipeline.ts";
import { migration } from "../support/sessions.ts";

interface Reference {
  readonly deferrable?: Deferrable;
  readonly column?: string;
  readonly onDelete?: ReferentialAction;
}

/** parent(id, code) and child(id, parent_id, other_id) with child_parent_fkey as `ref` says. */
const schema = (ref: Reference) => ({
  tables: [
    defineTable("parent", { id: column("int", { primaryKey: true }), code: column("int") }),
    defineTable(
      "child",
      { id: column("int", { primaryKey: true }), parent_id: column("int"), other_id: column("int") },
      (t) => [
        t.reference(ref.column ?? "parent_id", "parent", "id", {
          name: "child_parent_fkey",
          ...(ref.deferrable ? { deferrable: ref.deferrable } : {}),
          ...(ref.onDelete ? { onDelete: ref.onDelete } : {}),
        }),
      ],
    ),
  ],
});

const kinds = (ops: readonly Operation[]) => ops.map((op) => op.kind);

async function constraint(database: Database, name: string) {
  const r = await sql<{ oid: number; deferrable: boolean; deferred: boolean }>`
    select oid::int, condeferrable as deferrable, condeferred as deferred from pg_constraint
    where conname = ${name}`.execute(database.db);
  return r.rows[0];
}

async function populate(database: Database): Promise<void> {
  await sql`insert into parent values (1, 1), (2, 2)`.execute(database.db);
  await sql`insert into child values (1, 1, 2)`.execute(database.db);
}

databaseTest("a foreign key made not deferrable is altered in place", async (database, dir) => {
  await converge(database, dir, schema({ deferrable: "deferred" }));
  await populate(database);
  const before = await constraint(database, "child_parent_fkey");
  assert.deepEqual(kinds(await converge(database, dir, schema({}))), ["alter_constraint"]);
  assert.deepEqual(await constraint(database, "child_parent_fkey"), { ...before, deferrable: false, deferred: false });
});

databaseTest(
  "a foreign key made initially deferred is altered in place, and checks at commit",
  async (database, dir) => {
    await converge(database, dir, schema({ deferrable: "immediate" }));
    await populate(database);
    const before = await constraint(database, "child_parent_fkey");
    assert.deepEqual(kinds(await converge(database, dir, schema({ deferrable: "deferred" }))), ["alter_constraint"]);
    assert.deepEqual(await constraint(database, "child_parent_fkey"), { ...before, deferred: true });
    // Deferred: a child row may come before its parent within a transaction.
    await database.db.transaction().execute(async (tx) => {
      await sql`insert into child values (2, 3, 1)`.execute(tx);
      await sql`insert into parent values (3, 3)`.execute(tx);
    });
  },
);

databaseTest("a foreign key made deferrable along with another change is still rebuilt", async (database, dir) => {
  await converge(database, dir, schema({}));
  await populate(database);
  const rebuilt = ["drop_foreign_key", "add_foreign_key", "validate_constraint"];
  assert.deepEqual(
    kinds(await converge(database, dir, schema({ deferrable: "deferred", column: "other_id" }))),
    rebuilt,
    "its column changes too",
  );
  assert.deepEqual(
    kinds(await converge(database, dir, schema({ deferrable: "immediate", column: "other_id", onDelete: "cascade" }))),
    rebuilt,
    "its ON DELETE changes too",
  );
  const after = await constraint(database, "child_parent_fkey");
  assert.deepEqual([after.deferrable, after.deferred], [true, false]);
});

databaseTest(
  "a foreign key made deferrable while the key it points at is rebuilt is added back deferrable",
  async (database, dir) => {
    const tables = (deferrable: Deferrable | undefined, nullsNotDistinct: boolean) => ({
      tables: [
        defineTable(
          "parent",
          { id: column("int", { primaryKey: true }), code: column("int") },
          (t) => [t.unique(["code"], { name: "parent_code_key", nullsNotDistinct })],
        ),
        defineTable(
          "child",
          { id: column("int", { primaryKey: true }), code: column("int") },
          (
            t,
          ) => [
            t.reference("code", "parent", "code", { name: "child_code_fkey", ...(deferrable ? { deferrable } : {}) }),
          ],
        ),
      ],
    });
    await converge(database, dir, tables(undefined, false));
    await sql`insert into parent values (1, 10)`.execute(database.db);
    await sql`insert into child values (1, 10)`.execute(database.db);
    const ops = await converge(database, dir, tables("deferred", true));
    assert.ok(!kinds(ops).includes("alter_constraint"), `the foreign key goes with the key: ${kinds(ops)}`);
    const after = await constraint(database, "child_code_fkey");
    assert.deepEqual([after.deferrable, after.deferred], [true, true]);
  },
);

databaseTest(
  "a unique key or primary key made deferrable is rebuilt: PostgreSQL alters only foreign keys",
  async (database, dir) => {
    const tables = (deferrable?: Deferrable) => ({
      tables: [
        defineTable(
          "codes",
          { id: column("int"), code: column("int") },
          (t) => [
            t.primaryKey(["id"], { name: "codes_pkey", ...(deferrable ? { deferrable } : {}) }),
            t.unique(["code"], { name: "codes_code_key", ...(deferrable ? { deferrable } : {}) }),
          ],
        ),
      ],
    });
    await converge(database, dir, tables());
    await sql`insert into codes values (1, 1), (2, 2)`.execute(database.db);
    const ops = await converge(database, dir, tables("deferred"));
    assert.ok(!kinds(ops).includes("alter_constraint"), kinds(ops).join(", "));
    assert.ok(kinds(ops).includes("drop_primary_key") && kinds(ops).includes("drop_unique"), kinds(ops).join(", "));
    for (const name of ["codes_pkey", "codes_code_key"]) {
      const after = await constraint(database, name);
      assert.deepEqual([after.deferrable, after.deferred], [true, true], name);
    }
  },
);

const ALTER: Operation = {
  kind: "alter_constraint",
  schema: "public",
  table: "child",
  name: "child_parent_fkey",
  deferrable: { to: "deferred" },
};

const APPLY = { lockWaitMs: 10_000, statementLockTimeout: "10s" };

databaseTest(
  "a hand-written alter_constraint is applied; a malformed one is refused before anything runs",
  async (database, dir) => {
    await converge(database, dir, schema({}));
    const written = await migration(dir, "20300101000000000", [ALTER]);
    await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY);
    const after = await constraint(database, "child_parent_fkey");
    assert.deepEqual([after.deferrable, after.deferred], [true, true]);
    await Deno.remove(written);

    const malformed: [string, Record<string, unknown>, RegExp][] = [
      [
        "a mode PostgreSQL has not",
        { deferrable: { to: "deferred; drop table parent" } },
        /deferrable\.to: Invalid option/,
      ],
      [
        "an unknown clause",
        { deferrable: { to: "deferred", enforced: false } },
        /deferrable: Unrecognized key: "enforced"/,
      ],
      ["no deferrable at all", { deferrable: undefined }, /deferrable: Invalid input/],
      ["a name PostgreSQL would truncate", { name: "x".repeat(64) }, /name: expected a name of at most 63 bytes/],
    ];
    for (const [label, change, where] of malformed) {
      const path = `${dir}/migrations/20300101000000001.json`;
      const file = {
        format: 1,
        id: "20300101000000001",
        createdAt: "2030-01-01T00:00:00.000Z",
        allowDestructive: false,
      };
      await Deno.writeTextFile(path, JSON.stringify({ ...file, operations: [{ ...ALTER, ...change }] }));
      const error = await readMigrations(`${dir}/migrations`).then(() => assert.fail(`${label}: read`), (e) => e);
      assert.ok(error instanceof KyrageError, `${label}: ${error}`);
      assert.ok(error.message.includes(path), `${label}: ${error.message}`);
      assert.match(error.message, /malformed at operations\[0\]\./, label);
      assert.match(error.message, where, label);
    }
  },
);

databaseTest("a hand-written alter_constraint on a unique key fails, naming the migration", async (database, dir) => {
  await converge(database, dir, {
    tables: [defineTable("codes", { code: column("int") }, (t) => [t.unique(["code"], { name: "codes_code_key" })])],
  });
  await migration(dir, "20300101000000000", [{ ...ALTER, table: "codes", name: "codes_code_key" }]);
  const error = await applyMigrations(database.db, await readMigrations(`${dir}/migrations`), APPLY)
    .then(() => assert.fail("apply should fail"), (e) => e);
  assert.ok(error instanceof KyrageError, String(error));
  assert.match(error.message, /20300101000000000/);
  assert.match(error.message, /"codes_code_key" of relation "codes" is not a foreign key constraint/);
});

// The plan's label must say what PostgreSQL takes: pg_locks while the statement's transaction is open.
serverTest(
  "alter_constraint takes the lock its label names, on the child alone, and scans nothing",
  async (database, dir) => {
    await converge(database, dir, schema({}));
    const held = await database.db.transaction().execute(async (tx) => {
      for (const statement of compileOperation(ALTER)) await sql.raw(statement).execute(tx);
      const r = await sql<{ rel: string; mode: string }>`
      select relation::regclass::text as rel, mode from pg_locks
      where pid = pg_backend_pid() and locktype = 'relation' and relation in ('child'::regclass, 'parent'::regclass)
      order by 1, 2`.execute(tx);
      return r.rows.map((row) => `${row.rel}: ${row.mode}`);
    });
    assert.deepEqual(held, ["child: AccessExclusiveLock"]);
    const hazards = hazardsOf(ALTER);
    assert.deepEqual(hazards, { table: "public.child", lock: "ACCESS EXCLUSIVE", hazards: [] });
    assert.equal(heldLock(hazards), "none", "held for an instant: --max-lock does not refuse it");
  },
);

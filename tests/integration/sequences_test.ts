/**
 * Sequences of their own (issue 16): created before the tables whose
 * defaults call them, changed with ALTER SEQUENCE without losing their
 * current value, dropped only through the destructive gate, and pulled back
 * exactly with citext and pgcrypto (pg_dump identical on the server).
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { column, type Config, defineSequence, defineTable } from "../../src/config/dsl.ts";
import { loadConfig } from "../../src/config/load.ts";
import { openDatabase } from "../../src/dialect/database.ts";
import { introspect } from "../../src/dialect/postgres/introspect.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { backendTest, createTestDatabase, databaseTest } from "../support/backends.ts";
import { converge, generateAndApply, loaded, plan } from "../support/pipeline.ts";
import { dumpDiff, pgDump } from "../support/pg_dump.ts";
import { kinds } from "../support/objects.ts";
import { renderPlan } from "../../src/cli/render.ts";

const invoices = defineTable("invoices", {
  id: column("int", { primaryKey: true }),
  number: column("bigint", { notNull: true, defaultSql: "nextval('invoice_number')" }),
});
const config = (options: Parameters<typeof defineSequence>[1] = { start: 1000 }, over: Partial<Config> = {}) => ({
  tables: [invoices],
  sequences: [defineSequence("invoice_number", options)],
  ...over,
});

const numbers = async (database: { db: import("kysely").Kysely<unknown> }) =>
  (await sql<{ n: string }>`select number::text as n from invoices order by id`.execute(database.db)).rows.map((r) =>
    r.n
  );

databaseTest("a sequence is created before the table whose default calls it, and re-plans empty", async (d, dir) => {
  const ops = await converge(d, dir, config());
  assert.deepEqual(kinds(ops), ["create_object invoice_number", "create_table"]);
  await sql`insert into invoices (id) values (1), (2)`.execute(d.db);
  assert.deepEqual(await numbers(d), ["1000", "1001"]);
  // The same options written otherwise (a string, the default increment) make no change.
  assert.deepEqual(await plan(d, loaded(config({ start: "1000", increment: 1, cycle: false }), dir)), []);
});

databaseTest("a changed start or increment alters the sequence in place and never restarts it", async (d, dir) => {
  await converge(d, dir, config());
  await sql`insert into invoices (id) values (1)`.execute(d.db);
  const ops = await converge(d, dir, config({ start: 5000, increment: 10, as: "integer", cache: 5 }));
  assert.deepEqual(kinds(ops), ["alter_object invoice_number"]);
  await sql`insert into invoices (id) values (2)`.execute(d.db);
  assert.deepEqual(await numbers(d), ["1000", "1010"], "continues from its value, not from the new start");
  // Owned by another column than the one whose default calls it (that would be a serial).
  const owned = config({ start: 5000, increment: 10, as: "integer", cache: 5, ownedBy: "invoices.id" });
  assert.deepEqual(kinds(await converge(d, dir, owned)), ["alter_object invoice_number"]);
});

// A sequence (or identity) made to count down restarts from its new start: the plan must say so next to the SQL, as
// it labels every other hazard (README "Online DDL").
databaseTest("a sequence or identity made to count the other way is labeled as restarting", async (d, dir) => {
  const counter = (increment: number) =>
    defineTable("counters", {
      id: column("bigint", { primaryKey: true, identity: { generated: "by default", increment } }),
    });
  await converge(d, dir, config({ start: 1000 }, { tables: [invoices, counter(1)] }));
  await sql`insert into counters default values`.execute(d.db);
  const flipped = await plan(d, loaded(config({ increment: -1 }, { tables: [invoices, counter(-1)] }), dir));
  const rendered = renderPlan(flipped).join("\n");
  assert.equal(rendered.match(/RESTART/g)?.length, 2, rendered);
  assert.equal(rendered.match(/restarts sequence/g)?.length, 2, `each restart is labeled:\n${rendered}`);
  const unflipped = await plan(
    d,
    loaded(config({ start: 1000, increment: 5 }, { tables: [invoices, counter(2)] }), dir),
  );
  assert.doesNotMatch(renderPlan(unflipped).join("\n"), /restarts sequence/);
});

databaseTest("a new owned sequence is created before the tables and given its owner after them", async (d, dir) => {
  const counters = defineTable("counters", { id: column("int", { primaryKey: true }), value: column("bigint") });
  const ops = await converge(d, dir, {
    tables: [counters],
    sequences: [defineSequence("counter_value", { ownedBy: "counters.value" })],
  });
  assert.deepEqual(kinds(ops), ["create_object counter_value", "create_table", "alter_object counter_value"]);
  // Dropping the table drops the sequence it owns: the plan's own drop must not fail on it.
  const dropped = await generateAndApply(d, loaded({ tables: [] }, dir));
  assert.deepEqual(kinds(dropped), ["drop_table", "drop_object counter_value"]);
  assert.deepEqual(await plan(d, loaded({ tables: [] }, dir)), []);
});

databaseTest("dropping a sequence loses its value: gated, then dropped after the default using it", async (d, dir) => {
  await converge(d, dir, config());
  const plain = {
    tables: [
      defineTable("invoices", { id: column("int", { primaryKey: true }), number: column("bigint", { notNull: true }) }),
    ],
  };
  await assert.rejects(
    () => generateMigration(d, loaded(plain, dir)),
    (e: Error) => e instanceof KyrageError && /sequence public\.invoice_number and its current value/.test(e.message),
  );
  assert.deepEqual(kinds(await converge(d, dir, plain)), ["alter_column", "drop_object invoice_number"]);
});

backendTest("pull round-trips citext, pgcrypto and an invoice-number sequence exactly", async (source) => {
  const declared = ["citext", "pgcrypto"];
  const open = (t: typeof source) =>
    openDatabase(t.target.dialect === "pglite" ? { ...t.target, extensions: declared } : t.target);
  const d = await open(source);
  const target = await createTestDatabase(source.backend);
  const e = await open(target);
  const dir = await Deno.makeTempDir();
  try {
    for (
      const statement of [
        "create extension citext",
        "create extension pgcrypto",
        "create sequence invoice_number as integer start 1000 increment 5 cache 10",
        "comment on sequence invoice_number is 'Invoice numbers'",
        "create table invoices (id uuid primary key default gen_random_uuid(), email citext not null, " +
        "number int not null default nextval('invoice_number'))",
        "create sequence audit_seq owned by invoices.id",
      ]
    ) await sql.raw(statement).execute(d.db);
    const pulled = await pullDatabase(d, ["public"]);
    assert.deepEqual(pulled.unsupported, []);
    assert.match(pulled.source, /defineExtension\("citext", \{ version: "[\d.]+" \}\)/);
    assert.match(pulled.source, /defineSequence\("invoice_number", \{/);
    await Deno.writeTextFile(`${dir}/schema.ts`, pulled.source);
    await Deno.writeTextFile(
      `${dir}/kyrage.config.ts`,
      `import { defineConfig } from "kyrage";\nimport { ${pulled.keys.join(", ")} } from "./schema.ts";\n` +
        `export default defineConfig({ ${pulled.keys.join(", ")} });\n`,
    );
    const pulledConfig = await loadConfig(`${dir}/kyrage.config.ts`);
    assert.deepEqual(await plan(d, pulledConfig), [], "the pull plans empty against its source");
    await generateAndApply(e, pulledConfig);
    assert.deepEqual(await plan(e, pulledConfig), []);
    const options = { schemas: ["public"], excludeTables: [HISTORY_QUALIFIED] };
    assert.deepEqual(await introspect(e.db, options), await introspect(d.db, options));
    if (source.backend === "postgres") {
      await sql`drop table ${sql.table(HISTORY_QUALIFIED)}`.execute(e.db);
      assert.deepEqual(dumpDiff(await pgDump(source.databaseUrl!), await pgDump(target.databaseUrl!)), []);
    }
  } finally {
    await d.close();
    await e.close();
    await target.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

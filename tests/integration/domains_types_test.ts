/**
 * Domains and user types that use one another: a domain as a composite
 * attribute (by definition or by name) or a range's subtype, a domain over a
 * composite or an enum, chains of them. Created each after what it uses and
 * dropped each before, pulled back and re-planned empty; a domain (and the
 * domain over it) rebuilt over a type the same change creates; a composite
 * under a domain changed in place. What PostgreSQL cannot do is refused
 * before anything is written, naming the objects: a new base type for a
 * domain a type uses, an enum or composite rebuilt under a domain, a type
 * dropped under a domain kyrage does not own or the config still declares.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  column,
  type Config,
  defineCompositeType,
  defineDomain,
  defineEnum,
  defineRangeType,
  defineTable,
  type DomainOptions,
  type TypeInput,
} from "../../src/config/dsl.ts";
import type { Database } from "../../src/dialect/database.ts";
import { KyrageError } from "../../src/errors.ts";
import { generateMigration } from "../../src/migrations/generate.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { databaseTest } from "../support/backends.ts";
import { converge, loaded, plan } from "../support/pipeline.ts";
import { kinds, pulledProject } from "../support/objects.ts";

const positive = (over: Partial<DomainOptions> = {}) =>
  defineDomain("positive", { type: "numeric(10,2)", checks: [{ expression: "VALUE > 0" }], ...over });
const mood = defineEnum("mood", ["sad", "ok", "happy"]);
const goodMood = defineDomain("good_mood", { type: "mood", checks: [{ expression: "VALUE::text <> 'sad'" }] });
// Domains are used as definitions (included with the type) or by name (listed in `domains`).
const price = (amount: TypeInput = positive()) => defineCompositeType("price", { amount, currency: "text" });
const span = defineRangeType("posrange", { subtype: "positive" });
const validPrice = defineDomain("valid_price", { type: "price", checks: [{ expression: "(VALUE).amount < 1000" }] });
const listing = defineCompositeType("listing", { price: validPrice, mood: "good_mood", span });

/** Every way round: a domain in a composite and a range, over a composite and an enum, in a composite again. */
const chain = (tables = true): Config => ({
  enums: [mood],
  domains: [goodMood],
  types: [price(), listing],
  tables: tables
    ? [defineTable("items", { id: column("int", { primaryKey: true }), listing: column(listing) })]
    : [defineTable("items", { id: column("int", { primaryKey: true }) })],
});

/** The user types in public: domains, enums, ranges and multiranges, composite types (not tables' row types). */
const typeNames = async (db: Database) =>
  (await sql<{ name: string }>`
    select t.typname::text as name from pg_type t left join pg_class c on c.oid = t.typrelid
    where t.typnamespace = 'public'::regnamespace and (t.typtype in ('d', 'e', 'r', 'm') or c.relkind = 'c')`
    .execute(db.db)).rows.map((r) => r.name).sort();

databaseTest(
  "domains inside and over composite, range and enum types are created and dropped in order",
  async (db, dir) => {
    await converge(db, dir, chain());
    assert.deepEqual(await typeNames(db), [
      "good_mood",
      "listing",
      "mood",
      "positive",
      "posmultirange",
      "posrange",
      "price",
      "valid_price",
    ]);
    await sql`insert into items values (1, row(row(5, 'EUR'), 'ok', '[1,2)'))`.execute(db.db);
    await assert.rejects(
      () => sql`insert into items values (2, row(row(-5, 'EUR'), 'ok', '[1,2)'))`.execute(db.db),
      /positive_check/,
      "the domain checks values inside the composite",
    );
    await assert.rejects(
      () => sql`insert into items values (3, row(row(5, 'EUR'), 'sad', '[1,2)'))`.execute(db.db),
      /good_mood_check/,
    );
    const pulled = await pullDatabase(db, ["public"]);
    assert.deepEqual(pulled.unsupported, []);
    assert.deepEqual(await plan(db, await pulledProject(dir, pulled)), [], "the pull plans empty against its source");
    // Everything goes again; the table's column first.
    await converge(db, dir, { tables: chain(false).tables });
    assert.deepEqual(await typeNames(db), []);
  },
);

databaseTest(
  "a domain is rebuilt over a composite type the same change creates, with the domain over it",
  async (db, dir) => {
    const code = (type: string) => defineDomain("code", { type });
    const shortCode = defineDomain("short_code", { type: "code" });
    await converge(db, dir, { tables: [], domains: [code("text"), shortCode] });
    const pair = defineCompositeType("pair", { a: "int", b: "int" });
    const ops = await converge(db, dir, { tables: [], domains: [code("pair"), shortCode], types: [pair] });
    assert.deepEqual(kinds(ops), [
      "drop_object short_code",
      "drop_object code",
      "create_composite_type",
      "create_object code",
      "create_object short_code",
    ]);
    const base = await sql<{ base: string }>`
    select typbasetype::regtype::text as base from pg_type where typname = 'code'`.execute(db.db);
    assert.equal(base.rows[0].base, "pair");
  },
);

databaseTest("a domain's new base type is refused while a composite or range type uses it", async (db, dir) => {
  const config = (domain = positive()): Config => ({ tables: [], domains: [domain], types: [price(domain), span] });
  await converge(db, dir, config());
  await assert.rejects(
    () => plan(db, loaded(config(positive({ type: "numeric(12,2)" })), dir)),
    (e: Error) =>
      e instanceof KyrageError &&
      /domain public\.positive would have to be dropped and created again .*numeric\(12,2\).*attribute amount of composite type public\.price, subtype of range type public\.posrange/
        .test(e.message) &&
      /declare a new domain/.test(e.message),
  );
});

databaseTest("an enum rebuilt under a domain is refused, naming the domain", async (db, dir) => {
  const config = (labels: string[]): Config => ({
    tables: [],
    enums: [defineEnum("mood", labels)],
    domains: [goodMood],
  });
  await converge(db, dir, config(["sad", "ok", "happy"]));
  await assert.rejects(
    () => generateMigration(db, loaded(config(["ok", "sad", "happy"]), dir), { allowDestructive: true }),
    (e: Error) =>
      e instanceof KyrageError &&
      /domain public\.good_mood depends on enum type public\.mood, which the migration rebuilds/.test(e.message),
  );
});

databaseTest(
  "a domain over a composite type the config no longer declares is refused, naming both",
  async (db, dir) => {
    await converge(db, dir, { tables: [], domains: [positive(), validPrice], types: [price()] });
    await assert.rejects(
      () => plan(db, loaded({ tables: [], domains: [positive(), validPrice] }, dir)),
      (e: Error) =>
        e instanceof KyrageError &&
        /rejects domain public\.valid_price as the config declares it: type "price" does not exist/.test(e.message),
    );
  },
);

databaseTest(
  "a composite type under a domain kyrage does not own is not dropped, naming the domain",
  async (db, dir) => {
    await converge(db, dir, { tables: [], types: [price()] });
    await sql`create schema other`.execute(db.db);
    await sql`create domain other.cheap as price check ((VALUE).amount < 10)`.execute(db.db);
    await assert.rejects(
      () => generateMigration(db, loaded({ tables: [], domains: [positive()] }, dir), { allowDestructive: true }),
      (e: Error) =>
        e instanceof KyrageError && /public\.price is still used by domain other\.cheap, so DROP TYPE/.test(e.message),
    );
  },
);

databaseTest(
  "a composite type under a domain changes in place; a rebuild is refused, naming the domain",
  async (db, dir) => {
    const shaped = (attributes: Record<string, TypeInput>): Config => ({
      tables: [],
      domains: [validPrice],
      types: [defineCompositeType("price", attributes)],
    });
    await converge(db, dir, shaped({ amount: positive(), currency: "text" }));
    const ops = await converge(db, dir, shaped({ amount: positive(), currency: "text", note: "text" }));
    assert.deepEqual(ops.map((op) => op.kind), ["alter_composite_type"]);
    await assert.rejects(
      () => generateMigration(db, loaded(shaped({ currency: "text", amount: positive(), note: "text" }), dir)),
      (e: Error) =>
        e instanceof KyrageError &&
        /public\.price must be dropped and created again .* but domain public\.valid_price use it/.test(e.message),
    );
  },
);

const intList = defineDomain("int_list", { type: "int[]", checks: [{ expression: "cardinality(VALUE) < 5" }] });
const shortList = defineDomain("short_list", { type: "int_list" });
const email = defineDomain("email", { type: "text", checks: [{ expression: "VALUE LIKE '%@%'" }] });
const listsConfig: Config = {
  domains: [intList, shortList, email],
  tables: [defineTable("lists", {
    id: column("int", { primaryKey: true }),
    ints: column("int_list"),
    short: column("short_list", { notNull: true, defaultSql: "'{}'" }),
    mails: column("email[]"),
    nested: column("int_list[]"),
  })],
};

// Should: columns of a domain over an array, of a domain over that domain, and of arrays of
// domains are introspected under their own names, so the plan converges and the pull plans
// empty. Did: a domain over an array shares the array's category but has no element type, so
// its columns were dropped from introspection and every plan added them again.
databaseTest("columns of domains over arrays and of arrays of domains converge and pull back", async (db, dir) => {
  await converge(db, dir, listsConfig);
  await sql`insert into lists values (1, '{1,2}', '{3}', '{a@b}', array['{4}'::int_list])`.execute(db.db);
  await assert.rejects(
    () => sql`insert into lists values (2, '{1,2,3,4,5}', '{}', null, null)`.execute(db.db),
    /int_list_check/,
  );
  await assert.rejects(
    () => sql`insert into lists values (3, null, '{1,2,3,4,5}', null, null)`.execute(db.db),
    /int_list_check/,
  );
  await assert.rejects(
    () => sql`insert into lists values (4, null, '{}', '{nope}', null)`.execute(db.db),
    /email_check/,
  );
  const types = await sql<{ name: string; type: string }>`
    select attname::text as name, atttypid::regtype::text as type from pg_attribute
    where attrelid = 'lists'::regclass and attnum > 0 order by attnum`.execute(db.db);
  assert.deepEqual(types.rows.map((r) => `${r.name} ${r.type}`), [
    "id integer",
    "ints int_list",
    "short short_list",
    "mails email[]",
    "nested int_list[]",
  ]);
  const pulled = await pullDatabase(db, ["public"]);
  assert.deepEqual(pulled.unsupported, []);
  assert.deepEqual(await plan(db, await pulledProject(dir, pulled)), [], "the pull plans empty against its source");
});

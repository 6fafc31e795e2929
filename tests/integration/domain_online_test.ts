/**
 * ALTER DOMAIN on populated tables: ADD CONSTRAINT (without NOT VALID), VALIDATE CONSTRAINT and SET NOT NULL check
 * every stored value of every column of the domain under a SHARE lock on each table. `plan` labels that lock per
 * table, and says WILL FAIL for values that break the check or are NULL (counted in one query, the check evaluated
 * as PostgreSQL does), and for columns storing the domain inside an array, which PostgreSQL refuses outright.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { planBlockers } from "../../src/blockers.ts";
import { column, type Config, defineDomain, defineTable } from "../../src/config/dsl.ts";
import { defineCompositeType } from "../../src/config/dsl/types.ts";
import { backendTest, databaseTest } from "../support/backends.ts";
import { cli, converge, project, query, writeSchema } from "../support/claims.ts";
import { converge as convergeModel, loaded, plan } from "../support/pipeline.ts";

const schema = (domain: string) =>
  `import { column, defineDomain, defineTable } from "kyrage";
const email = defineDomain("email", { type: "text", ${domain} });
export default {
  domains: [email],
  tables: [
    defineTable("users", { id: column("int", { primaryKey: true }), address: column(email) }),
    defineTable("teams", { id: column("int", { primaryKey: true }), contact: column(email) }),
  ],
};
`;

backendTest(
  "plan labels each table's SHARE lock, says WILL FAIL for bad rows, and apply works once fixed",
  async (t) => {
    const dir = await project(t, schema("checks: []"));
    await converge(dir, "base");
    await query(t, "insert into users values (1, 'a@b'), (2, 'nope'), (3, null); insert into teams values (1, 'c@d')");
    await writeSchema(dir, schema(`notNull: true, checks: [{ name: "has_at", expression: "VALUE like '%@%'" }]`));
    const planned = await cli(dir, "plan");
    for (const table of ["public.users", "public.teams"]) {
      assert.match(
        planned.output,
        new RegExp(`-- LOCK SHARE on ${table}[^\\n]*: scans table, may fail on existing rows`),
      );
    }
    assert.match(
      planned.output,
      /WILL FAIL: public\.users\.address has 1 NULL values, so ALTER DOMAIN public\.email SET NOT NULL would fail/,
    );
    assert.match(
      planned.output,
      /WILL FAIL: public\.users\.address has 1 values that break check has_at of domain public\.email/,
    );
    assert.doesNotMatch(planned.output, /WILL FAIL: public\.teams/);
    assert.notEqual((await cli(dir, "generate")).code, 0, "generate refuses a plan with blockers");
    await query(t, "update users set address = 'x@y' where id in (2, 3)");
    const fixed = await cli(dir, "plan");
    assert.doesNotMatch(fixed.output, /WILL FAIL/, fixed.output);
    const limited = await cli(dir, "generate", "--max-lock", "none");
    assert.notEqual(limited.code, 0, limited.output);
    assert.match(limited.output, /holds SHARE while it scans table, may fail on existing rows/);
    await converge(dir, "fixed");
    const rows = await query<{ n: number }>(t, "select count(*)::int as n from pg_constraint where conname = 'has_at'");
    assert.deepEqual(rows, [{ n: 1 }]);
  },
);

const config = (domain: Partial<Parameters<typeof defineDomain>[1]>, type = "email"): Config => ({
  domains: [defineDomain("email", { type: "text", ...domain })],
  tables: [defineTable("users", { id: column("int", { primaryKey: true }), address: column(type) })],
});

const blockersOf = async (d: Parameters<Parameters<typeof databaseTest>[1]>[0], dir: string, c: Config) => {
  const ops = await plan(d, loaded(c, dir));
  return { ops, blockers: await planBlockers(d, ops, loaded(c, dir).desired) };
};

const HAS_AT = { name: "has_at", expression: "VALUE like '%@%'" };

databaseTest("no blocker when the stored values pass the new check and NOT NULL", async (d, dir) => {
  await convergeModel(d, dir, config({}));
  await sql`insert into users values (1, 'a@b'), (2, 'c@d')`.execute(d.db);
  const { ops, blockers } = await blockersOf(d, dir, config({ notNull: true, checks: [HAS_AT] }));
  assert.deepEqual(blockers, []);
  assert.ok(ops.some((op) => op.kind === "alter_object" && op.columns?.length === 1), "the scan is recorded");
  await convergeModel(d, dir, config({ notNull: true, checks: [HAS_AT] }));
});

databaseTest("a check with notValid: true neither scans nor blocks over bad rows", async (d, dir) => {
  await convergeModel(d, dir, config({}));
  await sql`insert into users values (1, 'nope')`.execute(d.db);
  const wanted = config({ checks: [{ ...HAS_AT, notValid: true }] });
  const { ops, blockers } = await blockersOf(d, dir, wanted);
  assert.deepEqual(blockers, []);
  assert.ok(ops.every((op) => op.kind !== "alter_object" || op.columns === undefined), JSON.stringify(ops));
  await convergeModel(d, dir, wanted);
});

databaseTest("validating a NOT VALID check over a bad row is WILL FAIL, naming the column", async (d, dir) => {
  await convergeModel(d, dir, config({}));
  await sql`insert into users values (1, 'nope'), (2, 'also bad')`.execute(d.db);
  await sql`alter domain email add constraint has_at check (VALUE like '%@%') not valid`.execute(d.db);
  const { blockers } = await blockersOf(d, dir, config({ checks: [HAS_AT] }));
  assert.equal(blockers.length, 1, JSON.stringify(blockers));
  assert.equal(blockers[0].object, "public.users.address");
  assert.match(blockers[0].reason, /^has 2 values that break check has_at of domain public\.email, so VALIDATE/);
});

databaseTest("a check that raises on a stored value is left to PostgreSQL, not a planning error", async (d, dir) => {
  await convergeModel(d, dir, config({}));
  await sql`insert into users values (1, 'x')`.execute(d.db);
  const { blockers } = await blockersOf(d, dir, config({ checks: [{ name: "num", expression: "VALUE::int > 0" }] }));
  assert.deepEqual(blockers, []);
});

databaseTest("a column of a domain over the domain is checked too", async (d, dir) => {
  const over = (checks: (typeof HAS_AT)[]): Config => ({
    domains: [defineDomain("email", { type: "text", checks }), defineDomain("work_email", { type: "email" })],
    tables: [defineTable("users", { id: column("int", { primaryKey: true }), address: column("work_email") })],
  });
  await convergeModel(d, dir, over([]));
  await sql`insert into users values (1, 'nope')`.execute(d.db);
  const { blockers } = await blockersOf(d, dir, over([HAS_AT]));
  assert.deepEqual(blockers.map((b) => b.object), ["public.users.address"]);
});

databaseTest("a column storing an array of the domain is WILL FAIL: PostgreSQL refuses the check", async (d, dir) => {
  await convergeModel(d, dir, config({}, "email[]"));
  const { blockers } = await blockersOf(d, dir, config({ checks: [HAS_AT] }, "email[]"));
  assert.equal(blockers.length, 1, JSON.stringify(blockers));
  assert.equal(blockers[0].object, "public.users.address");
  assert.match(blockers[0].reason, /inside an array, composite or range type, so PostgreSQL refuses a check/);
  await assert.rejects(sql`alter domain email add constraint has_at check (VALUE like '%@%')`.execute(d.db));
});

databaseTest("a column storing a composite with an attribute of the domain is WILL FAIL too", async (d, dir) => {
  const composite = (domain: Partial<Parameters<typeof defineDomain>[1]>): Config => {
    const email = defineDomain("email", { type: "text", ...domain });
    return {
      domains: [email],
      tables: [
        defineTable("users", {
          id: column("int", { primaryKey: true }),
          reach: column(defineCompositeType("contact", { mail: email })),
        }),
      ],
    };
  };
  await convergeModel(d, dir, composite({}));
  const { blockers } = await blockersOf(d, dir, composite({ notNull: true }));
  assert.deepEqual(blockers.map((b) => b.object), ["public.users.reach"]);
  assert.match(blockers[0].reason, /so PostgreSQL refuses SET NOT NULL on the domain/);
});

/**
 * Hostile checks of README "Config reference" claims about views, functions,
 * triggers, policies, domains, extensions and sequences, each through the
 * real CLI (`generate`, `apply`, `plan --exit-code`, `pull`) on the
 * PostgreSQL server and on PGlite. Every test quotes the claim it holds the
 * code to.
 *
 * This file: views, materialized views, policies, domains, sequences and their privileges changed by hand
 * are noticed.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { converge, project, query } from "../support/claims.ts";
import { unnoticed } from "../support/hand_changes.ts";

const VIEWS = `import { column, defineMaterializedView, defineTable, defineView } from "kyrage";
const items = defineTable('"Order Items"', {
  id: column("int", { primaryKey: true }),
  qty: column("int", { notNull: true }),
  "select": column("text"),
});
const active = defineView('"Active Items"', 'select id, qty, "select" from "Order Items" where qty > 0', {
  securityBarrier: true,
  checkOption: "local",
  comment: "Items in stock",
});
const totals = defineMaterializedView(
  "daily totals",
  'select qty, count(*) as n from "Order Items" group by qty',
  (m) => [m.index(["qty"], { unique: true, name: "daily totals qty" })],
  { comment: "Per quantity" },
);
export default { tables: [items], views: [active, totals] };
`;

// README (Views and materialized views): "Views take `columns`, `securityBarrier`, `securityInvoker`,
// `checkOption: "local" | "cascaded"` and `comment`; materialized views take `columns`, `withData` [...], `comment`
// and indexes" and (Safety): "No "No changes" about what was not compared". Each attribute changed by hand is a
// difference, or named NOT MANAGED.
backendTest("a view's and a materialized view's attributes changed by hand are noticed", async (target) => {
  const dir = await project(target, VIEWS);
  await converge(dir, "initial");
  const v = `"Active Items"`, m = `"daily totals"`;
  const missed = await unnoticed(target, dir, [
    {
      name: "security_barrier reset",
      change: `alter view ${v} reset (security_barrier)`,
      undo: `alter view ${v} set (security_barrier = true)`,
    },
    {
      name: "check option cascaded",
      change: `alter view ${v} set (check_option = cascaded)`,
      undo: `alter view ${v} set (check_option = local)`,
    },
    {
      name: "security_invoker set",
      change: `alter view ${v} set (security_invoker = true)`,
      undo: `alter view ${v} reset (security_invoker)`,
    },
    {
      name: "view comment",
      change: `comment on view ${v} is 'other'`,
      undo: `comment on view ${v} is 'Items in stock'`,
    },
    {
      name: "view column renamed",
      change: `alter view ${v} rename column qty to quantity`,
      undo: `alter view ${v} rename column quantity to qty`,
    },
    {
      name: "materialized view comment",
      change: `comment on materialized view ${m} is null`,
      undo: `comment on materialized view ${m} is 'Per quantity'`,
    },
    {
      name: "materialized view index dropped",
      change: `drop index "daily totals qty"`,
      undo: `create unique index "daily totals qty" on ${m} (qty)`,
    },
    {
      name: "materialized view column renamed",
      change: `alter materialized view ${m} rename column n to how_many`,
      undo: `alter materialized view ${m} rename column how_many to n`,
    },
  ]);
  assert.deepEqual(missed, []);
}, ["postgres"]);

// README (Safety): "No "No changes" about what was not compared: `plan` and `status` list what the owned schemas
// hold that kyrage does not manage (`NOT MANAGED (left as they are): ...`)". Views take no column defaults, yet a
// default set on a view's column (`ALTER VIEW ... ALTER COLUMN ... SET DEFAULT`, used by inserts through the view)
// is neither compared nor listed: plan says "No changes".
backendTest("a default set by hand on a view's column is a difference or listed NOT MANAGED", async (target) => {
  const dir = await project(target, VIEWS);
  await converge(dir, "initial");
  const missed = await unnoticed(target, dir, [{
    name: "view column default",
    change: `alter view "Active Items" alter column qty set default 1`,
    undo: `alter view "Active Items" alter column qty drop default`,
    listed: /NOT MANAGED[\s\S]*Active Items/,
  }]);
  assert.deepEqual(missed, []);
}, ["postgres"]);

// README (Views and materialized views): "materialized views take `columns`, `withData` [...], `comment` and
// indexes" and (Safety): "No "No changes" about what was not compared". A materialized view's storage parameters
// (`fillfactor`, `autovacuum_enabled`), which tables model as `with`, are neither compared nor listed.
backendTest("a storage parameter set by hand on a materialized view is listed NOT MANAGED", async (target) => {
  const dir = await project(target, VIEWS);
  await converge(dir, "initial");
  const missed = await unnoticed(target, dir, [{
    name: "materialized view storage parameter",
    change: `alter materialized view "daily totals" set (fillfactor = 50)`,
    undo: `alter materialized view "daily totals" reset (fillfactor)`,
    listed: /NOT MANAGED[\s\S]*daily totals/,
  }]);
  assert.deepEqual(missed, []);
}, ["postgres"]);
const POLICIES = (role: string) =>
  `import { column, defineDomain, definePolicy, defineSequence, defineTable } from "kyrage";
const email = defineDomain("email", { type: "text", notNull: true, checks: [{ name: "has_at", expression: "VALUE like '%@%'" }] });
const notes = defineTable("Notes", { id: column("int", { primaryKey: true }), owner: column("text"), mail: column(email) },
  undefined, { rowLevelSecurity: true });
const readOwn = definePolicy("read own", {
  table: notes,
  command: "select",
  to: [${JSON.stringify(role)}],
  using: "owner = current_user",
  comment: "Own notes",
});
const writeOwn = definePolicy("write own", {
  table: notes,
  command: "update",
  as: "restrictive",
  using: "owner = current_user",
  withCheck: "owner = current_user",
});
const invoice = defineSequence("invoice number", { start: 1000, as: "integer", maxValue: 100000, cache: 2, comment: "Numbers" });
export default { tables: [notes], policies: [readOwn, writeOwn], domains: [email], sequences: [invoice] };
`;

// README (Row-level security, policies and domains): "Roles and expressions change with `ALTER POLICY`; a new
// command or kind drops and creates the policy again"; "Domains (`type`, `default`, `notNull`, `collation`,
// `checks: [{ name?, expression }]`)"; (Extensions and sequences): sequences "take `as`, `start`, `increment`,
// `minValue`, `maxValue`, `cache`, `cycle`, `ownedBy` and `comment`"; (Safety): "No "No changes" about what was not
// compared". Each attribute changed by hand is a difference.
backendTest("a policy's, a domain's and a sequence's attributes changed by hand are noticed", async (target) => {
  const role = `Note Reader ${Deno.pid}`;
  await query(target, `create role "${role}"`);
  try {
    const dir = await project(target, POLICIES(role));
    await converge(dir, "initial");
    const p = `"read own" on "Notes"`, s = `"invoice number"`;
    const missed = await unnoticed(target, dir, [
      { name: "policy roles", change: `alter policy ${p} to public`, undo: `alter policy ${p} to "${role}"` },
      {
        name: "policy using",
        change: `alter policy ${p} using (true)`,
        undo: `alter policy ${p} using (owner = current_user)`,
      },
      {
        name: "policy comment",
        change: `comment on policy ${p} is null`,
        undo: `comment on policy ${p} is 'Own notes'`,
      },
      {
        name: "policy with check",
        change: `alter policy "write own" on "Notes" with check (true)`,
        undo: `alter policy "write own" on "Notes" with check (owner = current_user)`,
      },
      {
        name: "policy permissive",
        change: `drop policy "write own" on "Notes"; create policy "write own" on "Notes" for update ` +
          `using (owner = current_user) with check (owner = current_user)`,
        undo: `drop policy "write own" on "Notes"; create policy "write own" on "Notes" as restrictive for update ` +
          `using (owner = current_user) with check (owner = current_user)`,
      },
      {
        name: "rls off",
        change: `alter table "Notes" disable row level security`,
        undo: `alter table "Notes" enable row level security`,
      },
      {
        name: "rls forced",
        change: `alter table "Notes" force row level security`,
        undo: `alter table "Notes" no force row level security`,
      },
      { name: "domain not null", change: "alter domain email drop not null", undo: "alter domain email set not null" },
      {
        name: "domain default",
        change: "alter domain email set default 'a@b'",
        undo: "alter domain email drop default",
      },
      {
        name: "domain check name",
        change: "alter domain email rename constraint has_at to at",
        undo: "alter domain email rename constraint at to has_at",
      },
      { name: "domain comment", change: "comment on domain email is 'x'", undo: "comment on domain email is null" },
      {
        name: "sequence increment",
        change: `alter sequence ${s} increment 5`,
        undo: `alter sequence ${s} increment 1`,
      },
      { name: "sequence cache", change: `alter sequence ${s} cache 1`, undo: `alter sequence ${s} cache 2` },
      {
        name: "sequence max",
        change: `alter sequence ${s} maxvalue 5000`,
        undo: `alter sequence ${s} maxvalue 100000`,
      },
      { name: "sequence min", change: `alter sequence ${s} minvalue 10`, undo: `alter sequence ${s} minvalue 1` },
      { name: "sequence cycle", change: `alter sequence ${s} cycle`, undo: `alter sequence ${s} no cycle` },
      { name: "sequence start", change: `alter sequence ${s} start 1`, undo: `alter sequence ${s} start 1000` },
      { name: "sequence as", change: `alter sequence ${s} as bigint`, undo: `alter sequence ${s} as integer` },
      {
        name: "sequence owned",
        change: `alter sequence ${s} owned by "Notes".id`,
        undo: `alter sequence ${s} owned by none`,
      },
      {
        name: "sequence comment",
        change: `comment on sequence ${s} is null`,
        undo: `comment on sequence ${s} is 'Numbers'`,
      },
    ]);
    assert.deepEqual(missed, []);
  } finally {
    await query(target, `drop owned by "${role}"`);
    await query(target, `drop role "${role}"`);
  }
}, ["postgres"]);

// README (Row-level security, policies and domains): "Domains (`type`, `default`, `notNull`, `collation`,
// `checks: [{ name?, expression }]`)" and (Safety): "No "No changes" about what was not compared". A domain check
// made NOT VALID by hand (existing values never checked) is neither compared nor listed: plan says "No changes".
backendTest("a domain check made NOT VALID by hand is a difference or listed NOT MANAGED", async (target) => {
  const dir = await project(
    target,
    `import { defineDomain } from "kyrage";
const email = defineDomain("email", { type: "text", checks: [{ name: "has_at", expression: "VALUE like '%@%'" }] });
export default { tables: [], domains: [email] };
`,
  );
  await converge(dir, "initial");
  const missed = await unnoticed(target, dir, [{
    name: "domain check not valid",
    change: "alter domain email drop constraint has_at; " +
      "alter domain email add constraint has_at check (value like '%@%') not valid",
    undo: "alter domain email validate constraint has_at",
    listed: /NOT MANAGED[\s\S]*has_at/,
  }]);
  assert.deepEqual(missed, []);
}, ["postgres"]);

// README (Safety): "No "No changes" about what was not compared: `plan` and `status` list what the owned schemas
// hold that kyrage does not manage" (privileges on tables and functions are listed). Privileges granted on a view,
// a materialized view or a sequence are not: plan says "No changes", and a view rebuild (its query changed) then
// drops the grant without a word.
backendTest("privileges on a view, a materialized view and a sequence are listed NOT MANAGED", async (target) => {
  const dir = await project(
    target,
    `import { column, defineMaterializedView, defineSequence, defineTable, defineView } from "kyrage";
const items = defineTable("items", { id: column("int", { primaryKey: true }), qty: column("int") });
export default {
  tables: [items],
  views: [defineView("item view", "select id, qty from items"), defineMaterializedView("item totals", "select sum(qty) from items")],
  sequences: [defineSequence("item numbers")],
};
`,
  );
  await converge(dir, "initial");
  const missed = await unnoticed(target, dir, [
    {
      name: "view grant",
      change: 'grant select on "item view" to public',
      undo: 'revoke select on "item view" from public',
      listed: /NOT MANAGED[\s\S]*privileges on [\s\S]*item view/,
    },
    {
      name: "materialized view grant",
      change: 'grant select on "item totals" to public',
      undo: 'revoke select on "item totals" from public',
      listed: /NOT MANAGED[\s\S]*privileges on [\s\S]*item totals/,
    },
    {
      name: "sequence grant",
      change: 'grant usage on sequence "item numbers" to public',
      undo: 'revoke usage on sequence "item numbers" from public',
      listed: /NOT MANAGED[\s\S]*privileges on [\s\S]*item numbers/,
    },
  ]);
  assert.deepEqual(missed, []);
}, ["postgres"]);

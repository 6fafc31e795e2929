/** The SQL of policies and domains: create, drop, and each in-place change. */
import assert from "node:assert/strict";
import { compileOperation } from "../../src/dialect/postgres/compile.ts";
import type { DomainObject, PolicyObject } from "../../src/model/objects.ts";

const policy: PolicyObject = {
  kind: "policy",
  schema: "public",
  name: "read_own",
  table: "notes",
  command: "select",
  permissive: false,
  roles: ["app user", "public"],
  using: "(owner = CURRENT_USER)",
};

const domain: DomainObject = {
  kind: "domain",
  schema: "billing",
  name: "amount",
  type: "numeric(10,2)",
  default: "0",
  notNull: true,
  checks: [{ name: "amount_check", expression: "(VALUE >= (0)::numeric)" }],
  comment: "Money",
};

Deno.test("policies: CREATE, DROP and ALTER POLICY", () => {
  assert.deepEqual(compileOperation({ kind: "create_object", object: policy }), [
    'CREATE POLICY "read_own" ON "public"."notes" AS RESTRICTIVE FOR SELECT TO "app user", PUBLIC ' +
    "USING ((owner = CURRENT_USER))",
  ]);
  assert.deepEqual(compileOperation({ kind: "drop_object", object: policy }), [
    'DROP POLICY "read_own" ON "public"."notes"',
  ]);
  const to = { ...policy, roles: ["public"], using: "true", withCheck: "true", comment: "Mine" };
  assert.deepEqual(compileOperation({ kind: "alter_object", from: policy, to }), [
    'ALTER POLICY "read_own" ON "public"."notes" TO PUBLIC USING (true) WITH CHECK (true)',
    `COMMENT ON POLICY "read_own" ON "public"."notes" IS 'Mine'`,
  ]);
});

Deno.test("domains: CREATE, DROP and ALTER DOMAIN", () => {
  assert.deepEqual(compileOperation({ kind: "create_object", object: domain }), [
    'CREATE DOMAIN "billing"."amount" AS numeric(10,2) DEFAULT 0 NOT NULL ' +
    'CONSTRAINT "amount_check" CHECK ((VALUE >= (0)::numeric))',
    `COMMENT ON DOMAIN "billing"."amount" IS 'Money'`,
  ]);
  assert.deepEqual(compileOperation({ kind: "drop_object", object: domain }), ['DROP DOMAIN "billing"."amount"']);
  const { default: _d, comment: _c, ...rest } = domain;
  const to: DomainObject = { ...rest, notNull: false, checks: [{ name: "amount_small", expression: "(VALUE < 1)" }] };
  assert.deepEqual(compileOperation({ kind: "alter_object", from: domain, to }), [
    'ALTER DOMAIN "billing"."amount" DROP DEFAULT',
    'ALTER DOMAIN "billing"."amount" DROP NOT NULL',
    'ALTER DOMAIN "billing"."amount" DROP CONSTRAINT "amount_check"',
    'ALTER DOMAIN "billing"."amount" ADD CONSTRAINT "amount_small" CHECK ((VALUE < 1))',
    'COMMENT ON DOMAIN "billing"."amount" IS NULL',
  ]);
});

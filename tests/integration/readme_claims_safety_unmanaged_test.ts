/**
 * Hostile checks of README "Migration files" and "Safety" claims, through the real CLI on the PostgreSQL server and
 * on PGlite. Every test quotes the claim it holds the code to.
 *
 * This file: what kyrage does not model (NOT ENFORCED, WITHOUT OVERLAPS, named NOT NULL) is listed
 * NOT MANAGED and left as it is.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { cli, generateAndApply, inlineProject as project, query } from "../support/claims.ts";

// README "What PGlite lacks": "PostgreSQL 16–18 attributes kyrage does not model (`NOT ENFORCED`, `WITHOUT
// OVERLAPS`, named NOT NULL constraints) appear there, and only there, as NOT MANAGED." README "Safety": "`plan` and
// `status` list what the owned schemas hold that kyrage does not manage (`NOT MANAGED (left as they are): ...`".
// The same plan that lists a NOT ENFORCED check as "left as they are" drops it.
backendTest("a NOT ENFORCED check listed as NOT MANAGED (left as they are) is not dropped", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("items", { id: column("int", { primaryKey: true }), v: column("int") })]`,
  );
  await generateAndApply(dir);
  await query(target, `ALTER TABLE "public"."items" ADD CONSTRAINT v_positive CHECK (v > 0) NOT ENFORCED`);
  const plan = await cli(dir, "plan");
  assert.equal(plan.code, 0, plan.output);
  assert.match(plan.stdout, /NOT MANAGED \(left as they are\): NOT ENFORCED constraint v_positive on public\.items/);
  assert.doesNotMatch(
    plan.stdout,
    /DROP CONSTRAINT "v_positive"/,
    `the plan drops what it says it leaves:\n${plan.output}`,
  );
}, ["pglite"]);

// README "What PGlite lacks": "... (`NOT ENFORCED`, `WITHOUT OVERLAPS`, named NOT NULL constraints) appear there, and
// only there, as NOT MANAGED." The plan that lists a WITHOUT OVERLAPS key as "left as they are" drops it.
backendTest("a WITHOUT OVERLAPS key listed as NOT MANAGED (left as they are) is not dropped", async (target) => {
  const dir = await project(
    target,
    `extensions: [defineExtension("btree_gist")],
  tables: [defineTable("bookings", { room: column("int"), during: column("tstzrange") })]`,
  );
  await Deno.writeTextFile(
    `${dir}/kyrage.config.ts`,
    (await Deno.readTextFile(`${dir}/kyrage.config.ts`)).replace("defineConfig, ", "defineConfig, defineExtension, "),
  );
  await generateAndApply(dir);
  await query(
    target,
    `ALTER TABLE "public"."bookings" ADD CONSTRAINT bookings_no_overlap UNIQUE (room, during WITHOUT OVERLAPS)`,
  );
  const plan = await cli(dir, "plan");
  assert.equal(plan.code, 0, plan.output);
  assert.match(
    plan.stdout,
    /NOT MANAGED \(left as they are\): WITHOUT OVERLAPS .*bookings_no_overlap on public\.bookings/,
  );
  assert.doesNotMatch(
    plan.stdout,
    /DROP CONSTRAINT "bookings_no_overlap"/,
    `the plan drops what it says it leaves:\n${plan.output}`,
  );
}, ["pglite"]);

// README "What PGlite lacks": "... (`NOT ENFORCED`, `WITHOUT OVERLAPS`, named NOT NULL constraints) appear there, and
// only there, as NOT MANAGED." The plan that lists a named (or NOT VALID) NOT NULL constraint as "left as they are"
// drops it with `DROP NOT NULL`.
backendTest("a named NOT NULL constraint listed as NOT MANAGED (left as they are) is not dropped", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("items", { id: column("int", { primaryKey: true }), v: column("int"), w: column("int") })]`,
  );
  await generateAndApply(dir);
  await query(target, `ALTER TABLE "public"."items" ADD CONSTRAINT v_nn NOT NULL v`);
  await query(target, `ALTER TABLE "public"."items" ADD CONSTRAINT w_nn NOT NULL w NOT VALID`);
  const plan = await cli(dir, "plan");
  assert.equal(plan.code, 0, plan.output);
  assert.match(plan.stdout, /NOT MANAGED \(left as they are\): .*NOT NULL constraint v_nn on public\.items/);
  assert.match(plan.stdout, /NOT MANAGED \(left as they are\): .*NOT NULL constraint w_nn on public\.items/);
  assert.doesNotMatch(plan.stdout, /DROP NOT NULL/, `the plan drops what it says it leaves:\n${plan.output}`);
}, ["pglite"]);

// README "Safety": "`plan` and `status` list what the owned schemas hold that kyrage does not manage (`NOT MANAGED
// (left as they are): ...`". The plan that lists a foreign key with `ON DELETE SET NULL (columns)` (PostgreSQL 15)
// as "left as they are" drops it.
backendTest(
  "an ON DELETE SET NULL (columns) key listed as NOT MANAGED (left as they are) is not dropped",
  async (target) => {
    const dir = await project(
      target,
      `tables: [
    defineTable("parents", { tenant: column("int", { primaryKey: true }), id: column("int", { primaryKey: true }) }),
    defineTable("children", { tenant: column("int", { notNull: true }), parent: column("int") }),
  ]`,
    );
    await generateAndApply(dir);
    await query(
      target,
      `ALTER TABLE "public"."children" ADD CONSTRAINT children_parent_fkey FOREIGN KEY (tenant, parent)
       REFERENCES "public"."parents" ON DELETE SET NULL (parent)`,
    );
    const plan = await cli(dir, "plan");
    assert.equal(plan.code, 0, plan.output);
    assert.match(
      plan.stdout,
      /NOT MANAGED \(left as they are\): .*ON DELETE SET \(columns\) constraint children_parent_fkey on public\.children/,
    );
    assert.doesNotMatch(
      plan.stdout,
      /DROP CONSTRAINT "children_parent_fkey"/,
      `the plan drops what it says it leaves:\n${plan.output}`,
    );
  },
);

// README "What PGlite lacks": "... (`NOT ENFORCED`, `WITHOUT OVERLAPS`, named NOT NULL constraints) appear there, and
// only there, as NOT MANAGED." A WITHOUT OVERLAPS primary key and a PERIOD foreign key are listed as "left as they
// are"; the plan drops both, and drops the NOT NULL of the key's columns (which PostgreSQL refuses while the key holds).
backendTest("a WITHOUT OVERLAPS primary key and a PERIOD foreign key are left as they are", async (target) => {
  const dir = await project(
    target,
    `tables: [
    defineTable("rooms", { id: column("int4range"), valid: column("tstzrange") }),
    defineTable("stays", { room: column("int4range"), during: column("tstzrange") }),
  ]`,
  );
  await generateAndApply(dir);
  await query(
    target,
    `ALTER TABLE "public"."rooms" ADD CONSTRAINT rooms_pkey PRIMARY KEY (id, valid WITHOUT OVERLAPS)`,
  );
  await query(
    target,
    `ALTER TABLE "public"."stays" ADD CONSTRAINT stays_room_fkey FOREIGN KEY (room, PERIOD during)
       REFERENCES "public"."rooms" (id, PERIOD valid)`,
  );
  const plan = await cli(dir, "plan");
  assert.equal(plan.code, 0, plan.output);
  assert.match(plan.stdout, /NOT MANAGED \(left as they are\): .*WITHOUT OVERLAPS .*rooms_pkey on public\.rooms/);
  assert.match(plan.stdout, /NOT MANAGED \(left as they are\): .*WITHOUT OVERLAPS .*stays_room_fkey on public\.stays/);
  assert.doesNotMatch(
    plan.stdout,
    /DROP CONSTRAINT|DROP NOT NULL/,
    `the plan drops what it says it leaves:\n${plan.output}`,
  );
}, ["pglite"]);

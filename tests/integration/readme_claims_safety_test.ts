/**
 * Hostile checks of README "Migration files" and "Safety" claims, through the real CLI on the PostgreSQL server and
 * on PGlite: hand-written and tampered migration files, the destructive gate, locks. Every test quotes the claim it
 * holds the code to.
 */
import assert from "node:assert/strict";
import { backendTest, serverTest } from "../support/backends.ts";
import { databaseBlock, spawnCli, tempProject } from "../support/cli.ts";
import { cli, generateAndApply, inlineProject as project, migrationNames, query } from "../support/claims.ts";
import { holdLock } from "../support/sessions.ts";

/** Run the CLI for at most `ms`; kill it (SIGKILL) if it is still running then. */
async function runFor(dir: string, args: string[], ms: number): Promise<{ finished: boolean; output: string }> {
  const child = spawnCli(args, { cwd: dir });
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finished = await Promise.race([
    child.status.then(() => true),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms)),
  ]);
  clearTimeout(timer);
  if (!finished) child.kill("SIGKILL");
  await child.status;
  return { finished, output: `${await stdout}\n${await stderr}` };
}

/** A hand-written migration file, as a user (or a bad merge) leaves one. */
async function writeFile(dir: string, id: string, operations: unknown[], allowDestructive = false): Promise<string> {
  const path = `${dir}/migrations/${id}.json`;
  await Deno.mkdir(`${dir}/migrations`, { recursive: true });
  await Deno.writeTextFile(
    path,
    JSON.stringify({ format: 1, id, createdAt: "2030-01-01T00:00:00.000Z", allowDestructive, operations }, null, 2),
  );
  return path;
}

// README "Safety": "Destructive-change gate: dropping a table, column, index, constraint, type, partition or view,
// narrowing a type (...), a conversion with a hand-written `USING`, dropping a default, ... `plan` marks them,
// `generate` refuses them without `--allow-destructive` and says what would be lost". README "Extensions and
// sequences": "Dropping a sequence (it loses its current value) ... is destructive".
// A column going from `serial` to a plain `integer` drops its default (`nextval(...)`) and its sequence.
backendTest("serial → integer drops a default and a sequence: generate refuses it without the flag", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("items", { id: column("serial", { primaryKey: true }), note: column("text") })]`,
  );
  await generateAndApply(dir);
  await query(target, "insert into items (note) values ('a'), ('b'), ('c')");
  const config = `${dir}/kyrage.config.ts`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)).replace(`column("serial", {`, `column("integer", {`),
  );
  const before = migrationNames(dir);

  const generated = await cli(dir, "generate");
  assert.match(generated.output, /no longer serial/, generated.output);
  assert.equal(generated.code, 1, `generate refuses without --allow-destructive:\n${generated.output}`);
  assert.deepEqual(migrationNames(dir), before, "nothing written");

  const plan = await cli(dir, "plan");
  assert.equal(plan.code, 0, plan.output);
  assert.match(plan.stdout, /DESTRUCTIVE/, `plan marks dropping the default and the sequence:\n${plan.output}`);
});

// README "Safety": "Destructive-change gate: dropping a ... column ... is decided from the operation's type, never
// from SQL text. ... `apply` refuses destructive operations in a file without it". README "Migration files": "Files
// are validated when read (a malformed file is refused, with its path and the problem, before anything runs)".
// A hand-written `drop_column` whose column claims to be generated (it is not) passes the gate: its values go.
backendTest(
  "a hand-written drop_column that says the column is generated is still refused by apply",
  async (target) => {
    const dir = await project(
      target,
      `tables: [defineTable("items", { id: column("int", { primaryKey: true }), note: column("text") })]`,
    );
    await generateAndApply(dir);
    await query(target, "insert into items values (1, 'keep me'), (2, 'and me')");
    const path = await writeFile(dir, "20300101000000000", [{
      kind: "drop_column",
      schema: "public",
      table: "items",
      column: { name: "note", type: "text", notNull: false, generated: "id::text" },
    }]);

    const applied = await cli(dir, "apply");
    const left = await query<{ n: number }>(
      target,
      "select count(*)::int as n from information_schema.columns where table_name = 'items' and column_name = 'note'",
    );
    assert.equal(
      left[0].n,
      1,
      `column items.note and its values were dropped without --allow-destructive:\n${applied.output}`,
    );
    assert.equal(applied.code, 1, applied.output);
    assert.ok(applied.stderr.includes(path), applied.stderr);
  },
);

// README "Safety": "... `apply` refuses destructive operations in a file without it". README "Extensions and
// sequences": "Dropping a sequence (it loses its current value) ... is destructive".
// A hand-written `drop_object` marked `recreated: true` with nothing creating it again passes the gate.
backendTest("a hand-written drop_object marked recreated, never created again, is refused by apply", async (target) => {
  const dir = await project(
    target,
    `tables: [], sequences: [defineSequence("invoice_number", { start: 1000 })]`,
  );
  await generateAndApply(dir);
  await query(target, "select nextval('invoice_number'), nextval('invoice_number')");
  const [first] = migrationNames(dir);
  const written = JSON.parse(await Deno.readTextFile(`${dir}/migrations/${first}`));
  const create = written.operations.find((op: { kind: string }) => op.kind === "create_object");
  assert.ok(create, `the first migration creates the sequence: ${JSON.stringify(written)}`);
  const path = await writeFile(dir, "20300101000000000", [{
    kind: "drop_object",
    object: create.object,
    recreated: true,
  }]);

  const applied = await cli(dir, "apply");
  const left = await query<{ found: boolean }>(
    target,
    "select to_regclass('public.invoice_number') is not null as found",
  );
  assert.equal(
    left[0].found,
    true,
    `sequence invoice_number was dropped without --allow-destructive:\n${applied.output}`,
  );
  assert.equal(applied.code, 1, applied.output);
  assert.ok(applied.stderr.includes(path), applied.stderr);
});

// README "Migration files": "Files are validated when read (a malformed file is refused, with its path and the
// problem, before anything runs)" and "`apply` compiles exactly the stored operations"; README "Constraints and
// indexes": "names over 63 bytes are rejected when the config loads". PostgreSQL cuts a longer name to 63 bytes
// (a NOTICE): the table created is not the one the file names.
backendTest(
  "a migration file naming a table over 63 bytes is refused, not created under a cut name",
  async (target) => {
    const dir = await project(target, `tables: []`);
    const long = "t".repeat(64);
    const path = await writeFile(dir, "20300101000000000", [{
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

// README "Safety": "Planning reads the rows it checks with a 5 s `lock_timeout` and names the session holding the
// lock when it runs out." (and no command hangs). `plan` measures the size of each table it touches
// (`pg_total_relation_size`, which takes a lock on it) with no lock_timeout: behind another session's lock it waits
// for as long as that session holds it, printing nothing.
serverTest(
  "plan gives up on a table another session holds locked, instead of waiting for it",
  async (_db, _dir, target) => {
    const dir = await project(
      target,
      `tables: [defineTable("items", { id: column("int", { primaryKey: true }), note: column("text") })]`,
    );
    await generateAndApply(dir);
    const config = `${dir}/kyrage.config.ts`;
    await Deno.writeTextFile(
      config,
      (await Deno.readTextFile(config)).replace(`note: column("text")`, `note: column("text"), extra: column("int")`),
    );
    const release = await holdLock(target.databaseUrl!, "items");
    try {
      const run = await runFor(dir, ["plan"], 30_000);
      assert.ok(
        run.finished,
        `plan was still waiting on the lock after 30 s (planning gives up after 5 s):\n${run.output}`,
      );
    } finally {
      await release();
    }
  },
);

// README "Safety": "Drift: `status` replays the applied history on the dev database and compares it with the live
// schema; `plan --exit-code` exits 2 when the database differs from the config." and "Planning reads the rows it
// checks with a 5 s `lock_timeout` and names the session holding the lock when it runs out". With nothing to change,
// reading the live schema itself waits, silently and for as long as it lasts, on a lock another session holds on a
// managed table (a long migration, a `LOCK TABLE`): `status` and `plan` print nothing and never give up. (Reading a
// column default, `pg_get_expr`, takes a lock on its table.)
serverTest(
  "status and plan --exit-code do not wait for good on a lock another session holds",
  async (_db, _dir, target) => {
    const dir = await project(
      target,
      `tables: [defineTable("items", { id: column("int", { primaryKey: true }), note: column("text", { defaultSql: "'new'" }) })]`,
    );
    await generateAndApply(dir);
    const release = await holdLock(target.databaseUrl!, "items");
    try {
      for (const args of [["status"], ["plan", "--exit-code"]]) {
        const run = await runFor(dir, args, 30_000);
        assert.ok(run.finished, `${args.join(" ")} was still waiting on the lock after 30 s:\n${run.output}`);
      }
    } finally {
      await release();
    }
  },
);

// README "Safety": "dropping a ... default ... `generate` refuses them without `--allow-destructive`"; README
// "Extensions and sequences": "Dropping a sequence (it loses its current value) ... is destructive".
// Dropping a column's identity drops the sequence that numbers it (`DROP IDENTITY`), as serial → integer does.
backendTest("dropping an identity (and its sequence) is refused by generate without the flag", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("items", { id: column("int", { primaryKey: true, identity: "always" }), note: column("text") })]`,
  );
  await generateAndApply(dir);
  await query(target, "insert into items (note) values ('a'), ('b')");
  const config = `${dir}/kyrage.config.ts`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)).replace(`, identity: "always" }`, ` }`),
  );
  const before = migrationNames(dir);
  const generated = await cli(dir, "generate");
  assert.match(generated.output, /drop identity/, generated.output);
  assert.equal(generated.code, 1, `generate refuses without --allow-destructive:\n${generated.output}`);
  assert.deepEqual(migrationNames(dir), before, "nothing written");
});

// README "Migration files": "Files hold typed operations, not SQL"; README "Safety": "Destructive-change gate: ...
// decided from the operation's type, never from SQL text. ... `apply` refuses destructive operations in a file
// without it". A hand-written step is announced before it runs; an `add_column` whose `type` holds a second
// statement is neither announced nor gated, and drops a populated table.
backendTest("an add_column whose type smuggles a DROP TABLE is refused, not run", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("victim", { id: column("int", { primaryKey: true }) })]`,
  );
  await generateAndApply(dir);
  await query(target, "insert into victim values (1), (2), (3)");
  const path = await writeFile(dir, "20300101000000000", [{
    kind: "add_column",
    schema: "public",
    table: "victim",
    column: { name: "note", type: `text; DROP TABLE "public"."victim"`, notNull: false },
  }]);

  const applied = await cli(dir, "apply");
  const left = await query<{ found: boolean }>(target, "select to_regclass('public.victim') is not null as found");
  assert.equal(left[0].found, true, `table victim and its 3 rows were dropped by an add_column:\n${applied.output}`);
  assert.equal(applied.code, 1, applied.output);
  assert.ok(applied.stderr.includes(path), applied.stderr);
});

// README "Safety": "Secrets: a password is never printed, whatever the connection string's shape (URL, libpq
// `key=value`, or one that does not parse); every line kyrage prints is scrubbed of it". README "The dev database":
// "With `dev: { connectionString }` in the config, the dev database is a scratch database kyrage creates on that
// PostgreSQL server". A multi-host URL connects, then `new URL` throws on it, with the whole string in its message.
serverTest("the dev connection string's password is never printed (a multi-host URL)", async (_db, _dir, target) => {
  const password = "Dev-Secret-Pw7";
  const url = new URL(target.databaseUrl!);
  const hostPort = `${url.hostname}:${url.port}`;
  const devUrl = `postgres://${url.username}:${password}@${hostPort},${hostPort}/postgres`;
  const dir = await tempProject({
    "kyrage.config.ts": `import { column, defineConfig, defineTable } from "kyrage";
export default defineConfig({
  database: ${databaseBlock(target)},
  dev: { connectionString: ${JSON.stringify(devUrl)} },
  tables: [defineTable("items", { id: column("int", { primaryKey: true }) })],
});
`,
  });
  for (const args of [["plan", "--dev"], ["generate", "--dev"], ["check"]]) {
    const result = await cli(dir, ...args);
    assert.ok(!result.output.includes(password), `${args.join(" ")} printed the dev password:\n${result.output}`);
    assert.doesNotMatch(result.output, /unexpected error/, `${args.join(" ")} crashed:\n${result.output}`);
  }
});

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
    await writeFile(dir, "20300101000000000", [{
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

// README "Safety": "Destructive-change gate: ... narrowing a type (`text` → `varchar(10)`, `bigint` → `integer`) ...
// `apply` refuses destructive operations in a file without it". README "Migration files": "`apply` compiles exactly
// the stored operations in their stored order, never re-plans them". Two branches: A widens `amount` integer →
// bigint, B makes it numeric and is applied first (rows now hold cents). A's file, applied next, still says
// "integer → bigint" (not destructive) but converts numeric → bigint: every fraction is rounded away.
backendTest("a merged file whose type change no longer widens the live column is refused by apply", async (target) => {
  const dir = await project(
    target,
    `tables: [defineTable("orders", { id: column("int", { primaryKey: true }), amount: column("integer") })]`,
  );
  await generateAndApply(dir);
  const config = `${dir}/kyrage.config.ts`;
  const v1 = await Deno.readTextFile(config);
  // Branch A: integer → bigint, generated (not applied), kept aside as a branch keeps it.
  await Deno.writeTextFile(config, v1.replace(`amount: column("integer")`, `amount: column("bigint")`));
  const beforeA = migrationNames(dir);
  const generatedA = await cli(dir, "generate");
  assert.equal(generatedA.code, 0, generatedA.output);
  const [fileA] = migrationNames(dir).filter((n) => !beforeA.includes(n));
  const textA = await Deno.readTextFile(`${dir}/migrations/${fileA}`);
  await Deno.remove(`${dir}/migrations/${fileA}`);
  // Branch B: integer → numeric, merged and applied first; rows hold fractions.
  await Deno.writeTextFile(config, v1.replace(`amount: column("integer")`, `amount: column("numeric")`));
  await generateAndApply(dir);
  await query(target, "insert into orders values (1, 10.25), (2, 0.99)");
  // Branch A merged: its file comes back.
  await Deno.writeTextFile(`${dir}/migrations/${fileA}`, textA);

  const applied = await cli(dir, "apply");
  const rows = await query<{ amount: string }>(target, "select amount::text as amount from orders order by id");
  assert.deepEqual(
    rows.map((r) => r.amount),
    ["10.25", "0.99"],
    `the cents were rounded away without --allow-destructive (exit ${applied.code}):\n${applied.output}`,
  );
  assert.equal(applied.code, 1, applied.output);
});

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

// README "Migration files": "`migrations/<id>.json`, where the id is the UTC creation time `YYYYMMDDHHMMSSmmm`
// (sortable)" and "Files are validated when read (a malformed file is refused ...)". The reader takes any 17 digits
// as an id, even one that is no time (month 99); `generate` then writes the next id, 18 digits long, which sorts
// before it and which every command refuses as malformed: generate leaves a directory no command can read.
backendTest("generate never writes a migration file that the next command refuses", async (target) => {
  const dir = await project(target, `tables: [defineTable("items", { id: column("int", { primaryKey: true }) })]`);
  await writeFile(dir, "99999999999999999", []);
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
  const real = await writeFile(dir, id, [{
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

// README "Safety": "hostile identifiers (quotes, spaces, dots, `$$`, unicode, reserved words, 63-byte names)" and the
// destructive gate ("dropping a table ... `generate` refuses them without `--allow-destructive`"). kyrage writes
// string literals as '...' with quotes doubled, which holds only under `standard_conforming_strings = on`: on a
// database set to `off` (a legacy setting PostgreSQL still accepts), a backslash in a comment escapes the quote, and
// the rest of the comment runs as SQL. A column comment drops a populated table; nothing flags it.
serverTest(
  "a comment holding a backslash and a quote stays a comment, whatever standard_conforming_strings says",
  async (
    _db,
    _dir,
    target,
  ) => {
    const dir = await project(
      target,
      `tables: [defineTable("victim", { id: column("int") }), defineTable("notes", { id: column("int") })]`,
    );
    await generateAndApply(dir);
    await query(target, "insert into victim values (1), (2)");
    const name = new URL(target.databaseUrl!).pathname.slice(1);
    await query(target, `alter database "${name}" set standard_conforming_strings = off`);
    const comment = String.raw`x\'; DROP TABLE victim; --`;
    const config = `${dir}/kyrage.config.ts`;
    await Deno.writeTextFile(
      config,
      (await Deno.readTextFile(config)).replace(
        `defineTable("notes", { id: column("int") })`,
        `defineTable("notes", { id: column("int", { comment: ${JSON.stringify(comment)} }) })`,
      ),
    );
    const generated = await cli(dir, "generate");
    const applied = await cli(dir, "apply");
    const left = await query<{ found: boolean }>(target, "select to_regclass('public.victim') is not null as found");
    assert.equal(
      left[0].found,
      true,
      `a column comment dropped table victim:\n${generated.output}\n---\n${applied.output}`,
    );
    const stored = await query<{ comment: string | null }>(
      target,
      "select col_description('public.notes'::regclass, 1) as comment",
    );
    assert.deepEqual(stored, [{ comment }]);
  },
);

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
    await writeFile(dir, "20300101000000000", [{
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
    await writeFile(dir, "20300101000000000", [{
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

/**
 * Hostile checks of README "Online DDL" claims through the real CLI on the
 * PostgreSQL server, on populated tables with other sessions taking part:
 * which locks each migration really holds (seen in pg_locks), lock timeouts,
 * interrupted concurrent builds, the order of the steps, and what `plan`
 * and `generate --max-lock` say. Every test quotes the claim it holds the
 * code to.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { backendTest, type TestDatabase } from "../support/backends.ts";
import { spawnCli } from "../support/cli.ts";
import { cli, ok, project, query, writeSchema } from "../support/claims.ts";
import { outputOf, waitFor } from "../support/sessions.ts";

const ROWS = 50_000;

const serverOnly = ["postgres"] as const;

/** A session of the test's own, kept open: begin, lock, hold. */
const OBSERVER = "kyrage_test_observer";

async function session(target: TestDatabase) {
  const client = postgres(target.databaseUrl!, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: OBSERVER },
  });
  const reserved = await client.reserve();
  return {
    run: (text: string): Promise<unknown> => Promise.resolve(reserved.unsafe(text)),
    async close() {
      await reserved.unsafe("rollback").catch(() => {});
      reserved.release();
      await client.end({ timeout: 1 });
    },
  };
}

/** The migration files' operations, oldest first. */
async function filesOf(dir: string): Promise<{ name: string; kinds: string[] }[]> {
  const names = [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name).filter((n) => n.endsWith(".json")).sort();
  return await Promise.all(names.map(async (name) => {
    const file = JSON.parse(await Deno.readTextFile(`${dir}/migrations/${name}`));
    return { name, kinds: file.operations.map((op: { kind: string }) => op.kind) };
  }));
}

const EVENTS = (after: boolean) =>
  `import { column, defineTable } from "kyrage";
const accounts = defineTable("accounts", { id: column("int", { primaryKey: true }) });
const events = defineTable("events", {
  id: column("bigint", { primaryKey: true }),
  account_id: column("int"),
  code: column("text", { notNull: ${after} }),
  amount: column("int"),
}, (t) => ${
    after
      ? `[t.index(["account_id"]), t.unique(["code"]), t.reference(["account_id"], "accounts", ["id"]), t.check("amount >= 0")]`
      : "[]"
  });
export default { tables: [accounts, events] };
`;

async function populated(target: TestDatabase): Promise<string> {
  const dir = await project(target, EVENTS(false));
  await ok(dir, "generate");
  await ok(dir, "apply");
  await query(target, "insert into accounts select g from generate_series(1, 1000) g");
  await query(
    target,
    `insert into events select g, 1 + g % 1000, 'c' || g, g % 100 from generate_series(1, ${ROWS}) g`,
  );
  await query(target, "analyze");
  return dir;
}

/** PostgreSQL's lock modes, weakest first, as pg_locks and kyrage's labels spell them. */
const MODES: [string, string][] = [
  ["AccessShareLock", "ACCESS SHARE"],
  ["RowShareLock", "ROW SHARE"],
  ["RowExclusiveLock", "ROW EXCLUSIVE"],
  ["ShareUpdateExclusiveLock", "SHARE UPDATE EXCLUSIVE"],
  ["ShareLock", "SHARE"],
  ["ShareRowExclusiveLock", "SHARE ROW EXCLUSIVE"],
  ["ExclusiveLock", "EXCLUSIVE"],
  ["AccessExclusiveLock", "ACCESS EXCLUSIVE"],
];
const rank = (mode: string) => MODES.findIndex(([pg, label]) => pg === mode || label === mode);
/** SHARE and stronger conflict with ROW EXCLUSIVE: writers wait. */
const blocksWrites = (mode: string) => rank(mode) >= rank("ShareLock");

/** `apply --dry-run`: each pending migration's id and the `-- LOCK <mode> on <table>` labels printed for it. */
async function labelsByMigration(dir: string): Promise<{ id: string; labels: Map<string, string> }[]> {
  const printed = await ok(dir, "apply", "--dry-run");
  const migrations: { id: string; labels: Map<string, string> }[] = [];
  for (const line of printed.split("\n")) {
    const header = /^-- migration (\d+) /.exec(line);
    if (header) migrations.push({ id: header[1], labels: new Map() });
    const label = /^-- LOCK ([A-Z ]+?) on ([^\s(:]+)/.exec(line);
    if (label) {
      const labels = migrations.at(-1)!.labels;
      const table = label[2].replace(/^public\./, "");
      if (rank(label[1]) > rank(labels.get(table) ?? "AccessShareLock")) labels.set(table, label[1]);
    }
  }
  return migrations;
}

/**
 * Apply every pending migration while holding kyrage's history table in EXCLUSIVE mode: each migration's
 * transaction then stops at its history row with all its locks still held, and pg_locks shows them. Two
 * sessions take turns so that each migration is caught. Returns, per migration, `table: mode` of every
 * relation lock held on `tables`.
 */
async function locksHeldByEachMigration(target: TestDatabase, dir: string, tables: string[]): Promise<string[][]> {
  const observer = await session(target);
  const q = async <T>(text: string) => (await observer.run(text)) as unknown as T[];
  const holders = [await session(target), await session(target)];
  const relations = tables.map((t) => `'${t}'::regclass`).join(", ");
  let turn = 0;
  await holders[0].run("begin");
  await holders[0].run("lock table kyrage_migrations in exclusive mode");
  const apply = spawnCli(["apply", "--statement-lock-timeout", "300s"], { cwd: dir });
  const done = outputOf(apply);
  let finished = false;
  done.then(() => (finished = true));
  const seen: string[][] = [];
  try {
    for (;;) {
      let waiting: { pid: number }[] = [];
      await waitFor("kyrage to record a migration", async () => {
        waiting = await q<{ pid: number }>(`select pid from pg_locks where relation = 'kyrage_migrations'::regclass
          and not granted and pid in (select pid from pg_stat_activity where application_name <> '${OBSERVER}')`);
        return finished || waiting.length > 0;
      }, 120_000);
      if (waiting.length === 0) break;
      const held = await q<{ rel: string; mode: string }>(`select relation::regclass::text as rel, mode from pg_locks
        where pid = ${waiting[0].pid} and granted and locktype = 'relation' and relation in (${relations})
        order by 1, 2`);
      seen.push(held.map((h) => `${h.rel}: ${h.mode}`));
      const next = holders[1 - turn];
      await next.run("begin");
      const queued = next.run("lock table kyrage_migrations in exclusive mode");
      await waitFor("the next holder to queue", async () =>
        (await q<{ n: number }>(
          `select count(*)::int as n from pg_locks where relation = 'kyrage_migrations'::regclass and not granted`,
        ))[0].n >= 2);
      await holders[turn].run("rollback");
      await queued;
      turn = 1 - turn;
    }
  } finally {
    await holders[turn].run("rollback").catch(() => {});
    for (const h of [...holders, observer]) await h.close();
  }
  const { code, text } = await done;
  assert.equal(code, 0, text);
  return seen;
}

// README "Online DDL" (line 601): "foreign keys and checks are added `NOT VALID`, then validated in a later
// migration (`SHARE UPDATE EXCLUSIVE`: writes go on)", and (line 611): "`plan` labels each statement that locks a
// table with the lock and its hazards". Seen in pg_locks at the end of each migration's transaction: the
// validations hold SHARE UPDATE EXCLUSIVE (claim kept), but `ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID` also
// holds SHARE ROW EXCLUSIVE on the referenced table public.accounts (writes to accounts wait), and no label in
// `plan` or `apply --dry-run` names accounts: only `LOCK SHARE ROW EXCLUSIVE on public.events`.
backendTest("online: every table a migration locks against writers is named in its LOCK labels", async (target) => {
  const dir = await populated(target);
  await writeSchema(dir, EVENTS(true));
  await ok(dir, "generate");
  const labels = await labelsByMigration(dir);
  const held = await locksHeldByEachMigration(target, dir, ["events", "accounts"]);
  assert.equal(held.length, labels.length, `one capture per migration: ${JSON.stringify(held)}`);
  const kinds = (await filesOf(dir)).slice(1).map((f) => f.kinds);
  for (const [i, locks] of held.entries()) {
    if (!kinds[i].every((k) => k === "validate_constraint")) continue;
    assert.ok(locks.includes("events: ShareUpdateExclusiveLock"), `validation ${labels[i].id}: ${locks}`);
    assert.deepEqual(
      locks.filter((l) => blocksWrites(l.split(": ")[1])),
      [],
      `validation ${labels[i].id} blocks writes`,
    );
  }
  const unlabeled = held.flatMap((locks, i) =>
    locks.filter((l) => {
      const [table, mode] = l.split(": ");
      const label = labels[i].labels.get(table);
      return blocksWrites(mode) && (label === undefined || rank(label) < rank(mode));
    }).map((l) =>
      `migration ${labels[i].id} (${kinds[i].join("+")}) holds ${l}, labeled ${
        labels[i].labels.get(l.split(": ")[0]) ?? "nothing"
      }`
    )
  );
  assert.deepEqual(unlabeled, [], "locks that make writers wait, not labeled");
}, serverOnly);

const INDEXED = (unique: boolean) =>
  `import { column, defineTable } from "kyrage";
const accounts = defineTable("accounts", { id: column("int", { primaryKey: true }) });
const events = defineTable("events", {
  id: column("bigint", { primaryKey: true }),
  account_id: column("int"),
  code: column("text", { notNull: false }),
  amount: column("int"),
}, (t) => [t.index(["code"], { name: "events_code_idx"${unique ? ", unique: true" : ""} })]);
export default { tables: [accounts, events] };
`;

const indexValid = async (target: TestDatabase) =>
  (await query<{ valid: boolean }>(
    target,
    "select indisvalid as valid from pg_index where indexrelid = to_regclass('public.events_code_idx')",
  ))[0]?.valid;

// README "Online DDL" (line 597): "indexes are built and dropped `CONCURRENTLY`"; "Safety" (line 626): "Interrupted
// concurrent builds converge"; and the command table (line 124): "`plan` [...] print the SQL that would bring the
// database to the config". A unique index built concurrently over duplicate rows fails and leaves an INVALID index
// (it enforces nothing, and no query uses it). `plan --exit-code` then says "No changes" and exits 0: the invalid
// index is taken for the wanted one. (A re-run of `apply` once the duplicates are gone does rebuild it.)
backendTest(
  "online: an INVALID index left by a failed concurrent build is not reported as No changes",
  async (target) => {
    const dir = await populated(target);
    await query(target, "update events set code = 'dup' where id in (10, 20, 30)");
    await writeSchema(dir, INDEXED(true));
    await ok(dir, "generate");
    const failed = await cli(dir, "apply");
    assert.equal(failed.code, 1, failed.output);
    assert.match(failed.output, /Key \(code\)=\(dup\) is duplicated/);
    assert.match(failed.output, /a re-run drops it and builds it again/);
    assert.equal(await indexValid(target), false, "the failed build left an INVALID index");
    const planned = await cli(dir, "plan", "--exit-code");

    await query(target, "update events set code = 'c' || id where code = 'dup'");
    const rerun = await ok(dir, "apply");
    assert.match(rerun, /Dropping invalid index public\.events_code_idx/);
    assert.equal(await indexValid(target), true);
    assert.equal((await cli(dir, "plan", "--exit-code")).code, 0);

    assert.equal(
      planned.code,
      2,
      `with events_code_idx INVALID, plan --exit-code must report a difference from the config:\n${planned.output}`,
    );
    assert.match(planned.stdout, /CREATE UNIQUE INDEX CONCURRENTLY "events_code_idx"/, planned.output);
    assert.match(planned.stdout, /NOT MANAGED[^\n]*invalid index events_code_idx on public\.events/, planned.output);
  },
  serverOnly,
);

// README "Safety" (line 623): "Migration statements run with `lock_timeout` (`--statement-lock-timeout`, default
// `10s`)", and (line 626): "Interrupted concurrent builds converge". CREATE INDEX CONCURRENTLY waits for a writer's
// open transaction; past the timeout it stops, leaving an INVALID index, and says so; a re-run rebuilds it.
backendTest(
  "online: a concurrent build timed out behind a writer's open transaction converges on re-run",
  async (target) => {
    const dir = await populated(target);
    await writeSchema(dir, INDEXED(false));
    await ok(dir, "generate");
    const writer = await session(target);
    try {
      await writer.run("begin");
      await writer.run("insert into events values (999999999, 1, 'w', 1)");
      const first = await cli(dir, "apply", "--statement-lock-timeout", "2s");
      assert.equal(first.code, 1, first.output);
      assert.match(first.output, /CREATE INDEX CONCURRENTLY "events_code_idx"/);
      assert.match(first.output, /code: 55P03/);
      assert.match(first.output, /a re-run drops it and builds it again/);
      assert.equal(await indexValid(target), false);
      await writer.run("commit");
    } finally {
      await writer.close();
    }
    assert.match(await ok(dir, "apply"), /Dropping invalid index public\.events_code_idx/);
    assert.equal(await indexValid(target), true);
    assert.equal((await cli(dir, "plan", "--exit-code")).code, 0);
  },
  serverOnly,
);

// README "Online DDL" (line 613): "`generate --max-lock share` (or `none`, `access-exclusive`) refuses a plan in which
// a statement holds a stronger lock than that while it scans, rewrites or builds". A plain (`--no-online`) foreign
// key is labeled `LOCK SHARE ROW EXCLUSIVE on public.events (...): scans table`: SHARE ROW EXCLUSIVE is stronger
// than SHARE, yet `--max-lock share` writes the file.
backendTest("--max-lock share refuses a statement that scans under SHARE ROW EXCLUSIVE", async (target) => {
  const dir = await populated(target);
  await writeSchema(
    dir,
    EVENTS(false).replace("(t) => []", `(t) => [t.reference(["account_id"], "accounts", ["id"])]`),
  );
  const planned = await ok(dir, "plan", "--no-online");
  assert.match(planned, /LOCK SHARE ROW EXCLUSIVE on public\.events [^\n]*: scans table/);
  const before = (await filesOf(dir)).length;
  const generated = await cli(dir, "generate", "--no-online", "--max-lock", "share");
  assert.equal((await filesOf(dir)).length, before, `no migration written:\n${generated.output}`);
  assert.equal(generated.code, 1, generated.output);
  assert.match(generated.output, /--max-lock share/);
}, serverOnly);

// README "Online DDL" (line 603): "`SET NOT NULL` goes through a validated `CHECK (col IS NOT NULL)`, so it does not
// scan the table under an exclusive lock". Counted by pg_stat_user_tables.seq_scan: the validation scans events
// (the count moves, so the measure works), the SET NOT NULL migration does not.
backendTest("online: the SET NOT NULL migration does not scan the table", async (target) => {
  const dir = await populated(target);
  await writeSchema(dir, EVENTS(false).replace("notNull: false", "notNull: true"));
  await ok(dir, "generate");
  const steps = (await filesOf(dir)).slice(1);
  assert.deepEqual(steps.map((s) => s.kinds.join("+")), ["add_check", "validate_constraint", "set_not_null"]);
  const aside = await Deno.makeTempDir();
  try {
    for (const step of steps) await Deno.rename(`${dir}/migrations/${step.name}`, `${aside}/${step.name}`);
    const scans = async () =>
      (await query<{ n: number }>(
        target,
        "select seq_scan::int as n from pg_stat_user_tables where relname = 'events'",
      ))[0].n;
    /** Apply one more step; then the seq_scan count once kyrage's session has gone (its stats are flushed then). */
    const applyStep = async (name: string) => {
      await Deno.rename(`${aside}/${name}`, `${dir}/migrations/${name}`);
      await ok(dir, "apply");
      await waitFor("kyrage's session to end", async () =>
        (await query<{ n: number }>(
          target,
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
        ))[0].n === 0);
      await new Promise((r) => setTimeout(r, 1500));
      return await scans();
    };
    const added = await applyStep(steps[0].name);
    await applyStep(steps[1].name);
    // The measure works: the validation's scan is counted (stats may reach the view a little later).
    await waitFor("the validation's scan to be counted", async () => (await scans()) > added);
    const validated = await scans();
    const setNotNull = await applyStep(steps[2].name);
    assert.equal(setNotNull, validated, "SET NOT NULL scanned events");
  } finally {
    await Deno.remove(aside, { recursive: true });
  }
  const nulls = await query<{ attnotnull: boolean }>(
    target,
    "select attnotnull from pg_attribute where attrelid = 'events'::regclass and attname = 'code'",
  );
  assert.deepEqual(nulls, [{ attnotnull: true }]);
}, serverOnly);

// README "Online DDL" (line 594): "Changes to tables that exist already are planned so that a populated table in use
// stays readable and writable", (line 611) "`plan` labels each statement that locks a table with the lock and its
// hazards", and (line 613) "`generate --max-lock share` [...] refuses a plan in which a statement holds a stronger
// lock than that while it scans, rewrites or builds". A new column with a volatile default (`gen_random_uuid()`, the
// README's own example default) rewrites the whole table under ACCESS EXCLUSIVE (its relfilenode changes), yet the
// label says only `LOCK ACCESS EXCLUSIVE on public.events`, no `rewrites table`, and `--max-lock share` writes it.
backendTest(
  "a column with a volatile default rewrites the table: plan says so, --max-lock share refuses it",
  async (target) => {
    const dir = await populated(target);
    await writeSchema(
      dir,
      EVENTS(false).replace(
        `amount: column("int"),`,
        `amount: column("int"), uid: column("uuid", { defaultSql: "gen_random_uuid()" }),`,
      ),
    );
    const planned = await ok(dir, "plan");
    const label = /ADD COLUMN "uid"/.test(planned)
      ? planned.split("\n").find((l) => l.startsWith("-- LOCK"))
      : undefined;
    const refused = await cli(dir, "generate", "--max-lock", "share");
    if (refused.code === 0) {
      const relfilenode = "select relfilenode::int as n from pg_class where oid = 'events'::regclass";
      const before = await query<{ n: number }>(target, relfilenode);
      await ok(dir, "apply");
      const after = await query<{ n: number }>(target, relfilenode);
      assert.notDeepEqual(after, before, "the ADD COLUMN rewrote events (a new relfilenode)");
    }
    assert.match(label ?? "", /rewrites table/, `the label of ADD COLUMN "uid":\n${planned}`);
    assert.equal(refused.code, 1, `--max-lock share must refuse the rewrite:\n${refused.output}`);
  },
  serverOnly,
);

const PARTED = (after: boolean) =>
  `import { column, definePartition, defineTable } from "kyrage";
const events = defineTable(
  "pevents",
  { id: column("bigint"), at: column("date", { notNull: true }), amount: column("int"), code: column("text", { notNull: ${after} }) },
  (t) => ${after ? `[t.check("amount >= 0")]` : "[]"},
  { partitionBy: { strategy: "range", keys: ["at"] } },
);
const y2024 = definePartition("pevents_2024", events, { from: ["2024-01-01"], to: ["2025-01-01"] });
export default { tables: [events, y2024] };
`;

/** A partitioned table with 50K rows in its partition, and the config then asking for a check and a NOT NULL. */
async function populatedPartitioned(target: TestDatabase): Promise<string> {
  const dir = await project(target, PARTED(false));
  await ok(dir, "generate");
  await ok(dir, "apply");
  await query(
    target,
    "insert into pevents select g, date '2024-01-01' + (g % 300), g % 100, 'c' from generate_series(1, 50000) g",
  );
  await query(target, "analyze");
  await writeSchema(dir, PARTED(true));
  return dir;
}

// README "Online DDL" (lines 601-604): "foreign keys and checks are added `NOT VALID`, then validated in a later
// migration [...]; `SET NOT NULL` goes through a validated `CHECK (col IS NOT NULL)`, so it does not scan the table
// under an exclusive lock", with one exception (lines 606-607): "so are partitioned tables' indexes and keys
// (PostgreSQL builds none of them concurrently)". On a partitioned table the check is added plainly and SET NOT NULL
// is plain too, each labeled `LOCK ACCESS EXCLUSIVE on public.pevents (...): scans table`, though PostgreSQL takes a
// NOT VALID check on a partitioned table and validates it (done below, then rolled back).
backendTest(
  "online: a check and a NOT NULL on a partitioned table do not scan it under ACCESS EXCLUSIVE",
  async (target) => {
    const dir = await populatedPartitioned(target);
    const online = await session(target);
    try {
      await online.run("begin");
      await online.run("alter table pevents add constraint probe check (amount >= 0) not valid");
      await online.run("alter table pevents validate constraint probe");
      await online.run("alter table pevents add constraint probe2 check (code is not null) not valid");
      await online.run("alter table pevents validate constraint probe2");
      await online.run("alter table pevents alter column code set not null");
      await online.run("rollback");
    } finally {
      await online.close();
    }
    const planned = await ok(dir, "plan");
    const scansExclusive = planned.split("\n").filter((l) => /^-- LOCK ACCESS EXCLUSIVE .*scans table/.test(l));
    assert.deepEqual(scansExclusive, [], `statements that scan pevents under ACCESS EXCLUSIVE:\n${planned}`);
  },
  serverOnly,
);

// README "Online DDL" (line 611): "`plan` labels each statement that locks a table with the lock and its hazards,
// with the table's size". A partitioned table's rows live in its partitions: 50K rows are labeled `0 B`.
backendTest("plan labels a partitioned table with the size of its rows, not 0 B", async (target) => {
  const dir = await populatedPartitioned(target);
  const planned = await ok(dir, "plan");
  const labels = planned.split("\n").filter((l) => l.startsWith("-- LOCK") && l.includes("public.pevents"));
  assert.ok(labels.length > 0, planned);
  for (const label of labels) assert.doesNotMatch(label, /rows, 0 B\)/, label);
}, serverOnly);

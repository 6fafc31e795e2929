/**
 * Hostile checks of README "Watch mode" claims through a real `kyrage watch`
 * process: what it writes, rewrites and removes in `migrations/`, what it
 * prints, and how it takes broken saves, deleted files and saves that change
 * nothing. Every test quotes the claim it holds the code to.
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { sql } from "kysely";
import { createTestDatabase, type TestDatabase } from "../support/backends.ts";
import { databaseBlock, tempProject } from "../support/cli.ts";
import { cli, ok } from "../support/claims.ts";
import { exitStatus, stop, watch } from "../support/transcript.ts";

const config = (database?: string, imports = "./schema.ts") =>
  `import { defineConfig } from "kyrage";
import { tables } from "${imports}";
export default defineConfig({ ${database ? `database: ${database}, ` : ""}tables });`;

const schema = (columns: string, more = "") =>
  `import { column, defineTable } from "kyrage";
export const tables = [defineTable("users", { id: column("int", { primaryKey: true }), ${columns} })${more}];`;

const files = (dir: string) =>
  [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name).filter((n) => n.endsWith(".json")).sort();

async function operationsOf(path: string): Promise<string[]> {
  const file = JSON.parse(await Deno.readTextFile(path));
  return file.operations.map((op: { kind: string; column?: { name: string } }) =>
    `${op.kind}${op.column?.name ? ` ${op.column.name}` : ""}`
  );
}

async function withServer(fn: (db: TestDatabase) => Promise<void>): Promise<void> {
  const db = await createTestDatabase("postgres");
  try {
    await fn(db);
  } finally {
    await db.dispose();
  }
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, sanitizeResources: false, sanitizeOps: false, fn });

const header = (trigger: string, ops = "\\d+ operations?") => new RegExp(`${trigger}: ${ops} against [^\\n]*`);

async function populatedServer(db: TestDatabase, cons = ""): Promise<string> {
  const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(db)), "schema.ts": wide(cons) });
  await ok(dir, "generate");
  await ok(dir, "apply");
  const session = await db.open();
  try {
    await sql`insert into users select g, 'e' || g, g % 50 from generate_series(1, 20000) g`.execute(session.db);
    await sql`analyze users`.execute(session.db);
  } finally {
    await session.close();
  }
  return dir;
}

const wide = (cons: string) =>
  `import { column, defineTable } from "kyrage";
export const tables = [defineTable("users", {
  id: column("int", { primaryKey: true }), email: column("text"), age: column("int"),
}, (t) => [${cons}])];`;

// README "Watch mode" (line 149): "keeps the pending migration owned by the session [...] in sync with the config",
// and "Safety" (line 649): "One writer per migrations directory: two `generate` runs or `watch` sessions never write
// the same change twice". On a configured server database the base is "that database's current state" (line 158),
// which leaves out the pending file the previous watch session wrote: a restarted `watch` writes the same CREATE TABLE
// again into a file of its own, and `apply` then fails on it (42P07 relation "users" already exists).
test("a restarted watch on a server target does not write the previous session's pending change again", () =>
  withServer(async (db) => {
    const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(db)), "schema.ts": schema("") });
    const first = watch(dir);
    await first.out.waitFor(header("kyrage\\.config\\.ts", "1 operation"));
    await stop(first);
    assert.equal(files(dir).length, 1);
    const second = watch(dir);
    try {
      await second.out.waitFor(header("kyrage\\.config\\.ts"));
    } finally {
      await stop(second);
    }
    const creates = (await Promise.all(files(dir).map((f) => operationsOf(`${dir}/migrations/${f}`)))).flat()
      .filter((op) => op === "create_table");
    const applied = await cli(dir, "apply");
    assert.deepEqual(creates, ["create_table"], `users is created by one pending file only: ${files(dir)}`);
    assert.equal(applied.code, 0, applied.output);
  }));

// README "Watch mode" (line 149): "keeps the pending migration owned by the session [...] in sync with the config",
// the command table (line 125): `generate` "refuses while migrations are pending", and "Safety" (line 649): "never
// write the same change twice". A file `generate` wrote and nobody applied yet is not in a server's current state:
// `watch` writes its change again beside it, and `apply` fails on the second copy.
test("watch on a server target does not duplicate a pending migration written by generate", () =>
  withServer(async (db) => {
    const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(db)), "schema.ts": schema("") });
    await ok(dir, "generate");
    const w = watch(dir);
    try {
      await w.out.waitFor(header("kyrage\\.config\\.ts"));
    } finally {
      await stop(w);
    }
    const applied = await cli(dir, "apply");
    assert.equal(applied.code, 0, `${files(dir)}\n${w.out.text}\n${applied.output}`);
  }));

// README "Watch mode" (line 149): "keeps the pending migration owned by the session [...] in sync with the config";
// "not `migrations/`" (line 147). The owned file deleted by hand: the next save writes it again, same id, same plan.
// A save that changes nothing keeps the file's id and operations.
test("watch: a deleted pending file comes back on the next save; a save that changes nothing keeps it", async () => {
  const dir = await tempProject({ "kyrage.config.ts": config(), "schema.ts": schema(`age: column("int"),`) });
  const w = watch(dir);
  try {
    await w.out.waitFor(header("kyrage\\.config\\.ts", "1 operation"));
    const [name] = files(dir);
    const ops = await operationsOf(`${dir}/migrations/${name}`);
    let mark = w.out.text.length;
    await Deno.writeTextFile(`${dir}/schema.ts`, schema(`age: column("int"),`));
    await w.out.waitFor(header("schema\\.ts", "1 operation"), mark);
    assert.deepEqual(files(dir), [name]);
    assert.deepEqual(await operationsOf(`${dir}/migrations/${name}`), ops);
    await Deno.remove(`${dir}/migrations/${name}`);
    mark = w.out.text.length;
    await Deno.writeTextFile(`${dir}/schema.ts`, schema(`age: column("int"),`));
    await w.out.waitFor(header("schema\\.ts", "1 operation"), mark);
    assert.deepEqual(files(dir), [name], "written again under the same id");
    assert.deepEqual(await operationsOf(`${dir}/migrations/${name}`), ops);
  } finally {
    await stop(w);
  }
});

// README "Watch mode" (line 153): "A config that fails to load, validate or plan prints one error (with file and line
// when there is one) and leaves the last good migration file as it was."
test("watch: a save that fails to validate or to plan prints one error and keeps the last good file", async () => {
  const dir = await tempProject({ "kyrage.config.ts": config(), "schema.ts": schema(`age: column("int"),`) });
  const w = watch(dir);
  try {
    await w.out.waitFor(header("kyrage\\.config\\.ts", "1 operation"));
    const [name] = files(dir);
    const good = await Deno.readTextFile(`${dir}/migrations/${name}`);
    const broken = {
      "an unknown type": [schema(`age: column("intt"),`), /does not know the type "intt"/],
      "a duplicate table": [schema("", `, defineTable("users", { id: column("int") })`), /duplicate table/],
      "an index on no column": [
        schema("", `, defineTable("t2", { id: column("int") }, (t) => [t.index(["nope"])])`),
        /kyrage\.config\.ts: .*"nope" is not a column/,
      ],
    } as const;
    for (const [what, [text, message]] of Object.entries(broken)) {
      const mark = w.err.text.length;
      await Deno.writeTextFile(`${dir}/schema.ts`, text);
      await w.err.waitFor(/the last good migration file is unchanged/, mark);
      const printed = w.err.text.slice(mark);
      assert.match(printed, message, what);
      assert.equal([...printed.matchAll(/error: /g)].length, 1, `${what}: one error:\n${printed}`);
      assert.deepEqual(files(dir), [name], what);
      assert.equal(await Deno.readTextFile(`${dir}/migrations/${name}`), good, what);
    }
  } finally {
    await stop(w);
  }
});

// README "Watch mode" (lines 151, 159): "destructive statements are marked", "Destructive changes are recorded as
// allowed only with `--allow-destructive`"; (line 146) "nested imports too, extensionless ones included".
for (const allow of [false, true]) {
  test(
    `watch${allow ? " --allow-destructive" : ""}: a destructive save is marked and recorded ${
      allow ? "as allowed" : "as not allowed"
    }`,
    async () => {
      const dir = await tempProject({
        "kyrage.config.ts": config(undefined, "./schema"),
        "schema.ts": schema(`age: column("int"),`),
      });
      await ok(dir, "generate");
      await ok(dir, "apply");
      const w = watch(dir, ...(allow ? ["--allow-destructive"] : []));
      try {
        await w.out.waitFor(header("kyrage\\.config\\.ts", "0 operations"));
        const mark = w.out.text.length;
        await Deno.writeTextFile(`${dir}/schema.ts`, schema(""));
        await w.out.waitFor(/DROP COLUMN "age";/, mark);
        const printed = w.out.text.slice(mark);
        assert.match(printed, /schema\.ts: 1 operation/);
        assert.match(printed, /-- DESTRUCTIVE: loses column public\.users\.age/);
        const owned = files(dir).at(-1)!;
        const file = JSON.parse(await Deno.readTextFile(`${dir}/migrations/${owned}`));
        assert.equal(file.allowDestructive, allow);
      } finally {
        await stop(w);
      }
    },
  );
}

// README "Watch mode" (line 149): "keeps the pending migration owned by the session (one file, or a few consecutive
// ones when an online plan must run in steps) in sync with the config [...] never touches a file that was applied
// meanwhile [...] it starts a new file instead"; "Watch never applies anything".
test("watch on a populated server table: online steps in consecutive files, kept in sync, applied ones kept", () =>
  withServer(async (db) => {
    const dir = await populatedServer(db);
    const base = files(dir);
    const w = watch(dir);
    const owned = () => files(dir).filter((f) => !base.includes(f));
    const ids = () => owned().map((f) => BigInt(basename(f, ".json")));
    try {
      await w.out.waitFor(header("kyrage\\.config\\.ts", "0 operations"));
      let mark = w.out.text.length;
      await Deno.writeTextFile(
        `${dir}/schema.ts`,
        wide(`t.index(["email"]), t.check("age >= 0"), t.unique(["email"])`),
      );
      await w.out.waitFor(header("schema\\.ts", "5 operations"), mark);
      const steps = owned();
      assert.equal(steps.length, 5, `${steps}`);
      assert.deepEqual(ids().map((id) => id - ids()[0]), [0n, 1n, 2n, 3n, 4n], "consecutive ids");
      const indexes = await db.open();
      try {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_indexes where tablename = 'users'`
          .execute(indexes.db);
        assert.equal(rows[0].n, 1, "nothing applied: only the primary key's index");
      } finally {
        await indexes.close();
      }
      mark = w.out.text.length;
      await Deno.writeTextFile(`${dir}/schema.ts`, wide(`t.check("age >= 10")`));
      await w.out.waitFor(header("schema\\.ts", "2 operations"), mark);
      assert.deepEqual(owned(), steps.slice(0, 2), "the first ids are kept, the stale steps removed");
      const [added, validation] = owned();
      const addedBytes = await Deno.readFile(`${dir}/migrations/${added}`);
      // 4000 rows break the check: the NOT VALID step is applied, the validation fails.
      assert.equal((await cli(dir, "apply")).code, 1);
      mark = w.out.text.length;
      await Deno.writeTextFile(`${dir}/schema.ts`, wide(`t.check("age >= 10")`));
      await w.out.waitFor(header("schema\\.ts", "1 operation"), mark);
      assert.match(w.out.text.slice(mark), new RegExp(`${added} was applied`));
      assert.deepEqual(await Deno.readFile(`${dir}/migrations/${added}`), addedBytes, "the applied step is untouched");
      assert.deepEqual(owned(), [added, validation]);
      assert.deepEqual(await operationsOf(`${dir}/migrations/${validation}`), ["validate_constraint"]);
    } finally {
      await stop(w);
    }
  }));

// README command table (line 129): "`watch [--dev] [--allow-destructive] [--no-online]`"; "Online DDL" (line 595):
// "`--no-online` or `online: false` for plain DDL". Under watch, --no-online gives one file of plain DDL.
test("watch --no-online on a populated server table writes one plain migration", () =>
  withServer(async (db) => {
    const dir = await populatedServer(db);
    const base = files(dir);
    const w = watch(dir, "--no-online");
    try {
      await w.out.waitFor(header("kyrage\\.config\\.ts", "0 operations"));
      const mark = w.out.text.length;
      await Deno.writeTextFile(`${dir}/schema.ts`, wide(`t.index(["email"]), t.check("age >= 0")`));
      await w.out.waitFor(header("schema\\.ts"), mark);
      const owned = files(dir).filter((f) => !base.includes(f));
      assert.equal(owned.length, 1, `${owned}`);
      assert.doesNotMatch(w.out.text.slice(mark), /CONCURRENTLY|NOT VALID/);
    } finally {
      await stop(w);
    }
  }));

// README "Watch mode" (line 146): "`kyrage watch` plans once, then again on every save of the config or any local
// module it imports (nested imports too, extensionless ones included; not `migrations/`, `node_modules/` or
// `.kyrage/`)". A config in `db/` importing its tables from `../shared/tables.ts` (a monorepo layout): the module is
// local and loaded fresh on each cycle, but watch listens only under the config's own directory, so saving it
// starts no cycle and the pending file keeps the old plan. (A JSON module beside the config is followed.)
test("watch re-plans on a save of a local module outside the config's directory", async () => {
  const root = await tempProject({
    "shared/tables.ts": schema(""),
    "db/kyrage.config.ts": config(undefined, "../shared/tables.ts"),
  });
  const dir = `${root}/db`;
  const w = watch(dir);
  try {
    await w.out.waitFor(header("kyrage\\.config\\.ts", "1 operation"));
    const mark = w.out.text.length;
    await Deno.writeTextFile(`${root}/shared/tables.ts`, schema(`age: column("int"),`));
    await w.out.waitFor(/"age" integer/, mark);
    const [owned] = files(dir);
    assert.match(await Deno.readTextFile(`${dir}/migrations/${owned}`), /"name": "age"/);
  } finally {
    await stop(w);
  }
});

// README "Watch mode" (line 153): "A config that fails to load, validate or plan prints one error (with file and line
// when there is one)". A module that throws at run time has a file and line: `kyrage plan` prints it ("(thrown at
// .../schema.ts:4:23)"), watch prints the bare message without it.
test("watch names the file and line where a config module threw, as plan does", async () => {
  const dir = await tempProject({ "kyrage.config.ts": config(), "schema.ts": schema("") });
  const thrower = `import { column, defineTable } from "kyrage";
const broken: { a?: { b: number } } = {};
export const tables = [defineTable("users", { id: column("int", { primaryKey: true }) })];
export const value = broken.a!.b;
`;
  const w = watch(dir);
  try {
    await w.out.waitFor(header("kyrage\\.config\\.ts", "1 operation"));
    const mark = w.err.text.length;
    await Deno.writeTextFile(`${dir}/schema.ts`, thrower);
    await w.err.waitFor(/the last good migration file is unchanged/, mark);
    const printed = w.err.text.slice(mark);
    const planned = await cli(dir, "plan");
    assert.match(planned.output, /thrown at \S*schema\.ts:4:/, "plan names the place");
    assert.match(printed, /schema\.ts:4:/, `watch's error names schema.ts line 4:\n${printed}`);
  } finally {
    await stop(w);
  }
});

// README "Watch mode" (lines 155-158): "a second `watch` on the same directory is refused [...] (an OS file lock in
// `.kyrage/`, released if the process dies). The base state is the dev database (every other migration replayed in
// memory)". After `kill -9` of a session, a new one starts; on the dev database it plans on top of the file the dead
// session left, so nothing is written twice.
test("watch after kill -9 of a session: the lock is free, and the dead session's file is built on", async () => {
  const dir = await tempProject({ "kyrage.config.ts": config(), "schema.ts": schema("") });
  const first = watch(dir);
  await first.out.waitFor(header("kyrage\\.config\\.ts", "1 operation"));
  first.child.kill("SIGKILL");
  await exitStatus(first.child);
  const left = files(dir);
  assert.equal(left.length, 1);
  const second = watch(dir);
  try {
    await second.out.waitFor(header("kyrage\\.config\\.ts", "0 operations"));
    assert.doesNotMatch(second.err.text, /held by/);
    const mark = second.out.text.length;
    await Deno.writeTextFile(`${dir}/schema.ts`, schema(`age: column("int"),`));
    await second.out.waitFor(header("schema\\.ts", "1 operation"), mark);
    const now = files(dir);
    assert.equal(now.length, 2);
    assert.equal(now[0], left[0], "the dead session's file stays");
    assert.deepEqual(await operationsOf(`${dir}/migrations/${now[1]}`), ["add_column age"]);
  } finally {
    await stop(second);
  }
  assert.equal((await cli(dir, "check")).code, 0);
});

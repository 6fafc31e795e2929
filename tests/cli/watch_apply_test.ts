/**
 * `kyrage watch` next to `kyrage apply` in another terminal, as real
 * processes: once the owned migration is applied, watch never rewrites or
 * removes it; new changes go to a new owned file planned against the state
 * that includes it. On a server target (its base is the target) and on the
 * embedded default (dev database; the target is `.kyrage/pglite`).
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { sql } from "kysely";
import { openDatabase } from "../../src/dialect/database.ts";
import { createTestDatabase } from "../support/backends.ts";
import { databaseBlock, runCli, spawnCli, tempProject } from "../support/cli.ts";
import { exitStatus, stop, type Watch, watch } from "../support/transcript.ts";

const config = (database?: string) =>
  `import { defineConfig } from "kyrage";
import { tables } from "./schema.ts";
export default defineConfig({ ${database ? `database: ${database}, ` : ""}tables });`;

const schema = (columns: string, more = "") =>
  `import { column, defineTable } from "kyrage";
export const tables = [defineTable("users", { id: column("int", { primaryKey: true }), ${columns} })${more}];`;

/** The owned file named by the first cycle header matching `header` after `mark`. */
async function owned(w: Watch, header: RegExp, mark: number): Promise<string> {
  const line = await w.out.waitFor(new RegExp(`${header.source}[^\\n]* → \\S+\\.json`), mark);
  return line.slice(line.lastIndexOf("→ ") + 2);
}

const idOf = (path: string) => basename(path, ".json");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function operationsOf(path: string): Promise<string[]> {
  const file = JSON.parse(await Deno.readTextFile(path));
  return file.operations.map((op: { kind: string; column?: { name: string } }) =>
    `${op.kind}${op.column ? ` ${op.column.name}` : ""}`
  );
}

async function cli(dir: string, ...args: string[]): Promise<string> {
  const result = await runCli(args, { cwd: dir });
  assert.equal(result.code, 0, `kyrage ${args.join(" ")}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** Apply the owned file X from another process, save twice, and check X, status, the new file and convergence. */
async function appliedOwnedFile(dir: string, w: Watch, whileHeld?: (y: string) => Promise<void>): Promise<void> {
  const x = await owned(w, /kyrage\.config\.ts: 1 operation /, 0);
  const xBytes = await Deno.readFile(x);
  assert.match(await cli(dir, "apply"), /Applied 1 migration/);

  let mark = w.out.text.length;
  await Deno.writeTextFile(`${dir}/schema.ts`, schema("")); // a save with nothing new
  await w.out.waitFor(/schema\.ts: 0 operations/, mark);
  assert.deepEqual(await Deno.readFile(x), xBytes, "the applied file is neither removed nor rewritten");
  assert.match(w.out.text.slice(mark), new RegExp(`${escape(x)} was applied to `));

  mark = w.out.text.length;
  await Deno.writeTextFile(`${dir}/schema.ts`, schema(`age: column("int"),`));
  let y = await owned(w, /schema\.ts: 1 operation /, mark);
  assert.ok(idOf(y) > idOf(x), `a new owned file after ${x}: ${y}`);
  assert.deepEqual(await operationsOf(y), ["add_column age"], "only the new delta");
  assert.deepEqual(await Deno.readFile(x), xBytes);
  assert.deepEqual([...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name).sort(), [basename(x), basename(y)]);

  if (whileHeld) {
    await whileHeld(y);
    y = await owned(w, /schema\.ts: 2 operations /, mark);
    assert.deepEqual(await operationsOf(y), ["add_column age", "add_column name"]);
  }

  const status = await cli(dir, "status");
  assert.doesNotMatch(status, /TAMPERED/);
  assert.match(status, new RegExp(`applied   ${idOf(x)}`));
  assert.match(status, new RegExp(`pending   ${idOf(y)}`));
  assert.match(await cli(dir, "apply"), /Applied 1 migration/);
  assert.match(await cli(dir, "plan", "--exit-code"), /No changes/);
  assert.deepEqual(await Deno.readFile(x), xBytes);
}

Deno.test({
  name: "watch on a server target never touches its file once applied; new changes go to a new file",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const db = await createTestDatabase("postgres");
    const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(db)), "schema.ts": schema("") });
    const w = watch(dir);
    try {
      await appliedOwnedFile(dir, w);
    } finally {
      await stop(w);
      await db.dispose();
    }
  },
});

Deno.test({
  name: "watch --dev with a server target asks the server whether its file was applied, and never touches it after",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const db = await createTestDatabase("postgres");
    const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(db)), "schema.ts": schema("") });
    const w = watch(dir, "--dev");
    try {
      await appliedOwnedFile(dir, w);
      assert.match(w.out.text, /against the dev database \(1 migration\(s\) replayed\)/);
    } finally {
      await stop(w);
      await db.dispose();
    }
  },
});

Deno.test({
  name: "watch on the embedded default never touches its file once applied, and waits (or gives up) while " +
    "another process holds the embedded database",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ "kyrage.config.ts": config(), "schema.ts": schema("") });
    const w = watch(dir);
    try {
      await appliedOwnedFile(dir, w, async (y) => {
        const yBytes = await Deno.readFile(y);
        const save = () => Deno.writeTextFile(`${dir}/schema.ts`, schema(`age: column("int"), name: column("text"),`));
        const waiting = new RegExp(`waiting for [^\\n]* to tell whether ${escape(y)} was applied`);
        // Another process (an apply) holds the target for longer than watch waits: it gives up, file untouched.
        const target = { dialect: "pglite", dataDir: `${dir}/.kyrage/pglite` } as const;
        let held = await openDatabase(target);
        let errMark = w.err.text.length;
        await save();
        await w.err.waitFor(waiting, errMark);
        await w.err.waitFor(/error: [^\n]*in use by another kyrage process[^\n]*left as it was/, errMark, 60_000);
        assert.deepEqual(await Deno.readFile(y), yBytes);
        await held.close();
        held = await openDatabase(target);
        // Held again, released while watch waits: the cycle goes on.
        errMark = w.err.text.length;
        await save();
        await w.err.waitFor(waiting, errMark);
        await held.close();
      });
    } finally {
      await stop(w);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "watch on a server target waits for an apply in progress, then leaves the applied file alone",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const db = await createTestDatabase("postgres");
    const dir = await tempProject({ "kyrage.config.ts": config(databaseBlock(db)), "schema.ts": schema("") });
    await cli(dir, "generate");
    await cli(dir, "apply");
    await Deno.writeTextFile(`${dir}/schema.ts`, schema(`age: column("int"),`));
    const w = watch(dir);
    const session = await db.open();
    try {
      const x = await owned(w, /kyrage\.config\.ts: 1 operation /, 0);
      const xBytes = await Deno.readFile(x);
      let apply: Deno.ChildProcess | undefined;
      const mark = w.out.text.length;
      await session.db.connection().execute(async (conn) => {
        // A reader of users makes the apply of X wait inside its transaction, holding the apply lock.
        await sql`begin`.execute(conn);
        await sql`lock table users in access share mode`.execute(conn);
        apply = spawnCli(["apply", "--statement-lock-timeout", "300s"], { cwd: dir });
        for (;;) {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from pg_locks where relation = 'users'::regclass and not granted`
            .execute(session.db);
          if (rows[0].n > 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const errMark = w.err.text.length;
        await Deno.writeTextFile(`${dir}/schema.ts`, schema(`age: column("int"), name: column("text"),`));
        await w.err.waitFor(new RegExp(`waiting for [^\\n]* to tell whether ${escape(x)} was applied`), errMark);
        await sql`rollback`.execute(conn);
      });
      assert.equal((await exitStatus(apply!)).code, 0, "the apply finished");
      const y = await owned(w, /schema\.ts: 1 operation /, mark);
      assert.match(w.out.text.slice(mark), new RegExp(`${escape(x)} was applied to `));
      assert.ok(idOf(y) > idOf(x));
      assert.deepEqual(await operationsOf(y), ["add_column name"]);
      assert.deepEqual(await Deno.readFile(x), xBytes);
      assert.doesNotMatch(await cli(dir, "status"), /TAMPERED/);
      await cli(dir, "apply");
      assert.match(await cli(dir, "plan", "--exit-code"), /No changes/);
    } finally {
      await session.close();
      await stop(w);
      await db.dispose();
    }
  },
});

Deno.test({
  name: "watch on the dev database replays migrations that arrive later (git pull) and keeps its file the newest",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempProject({ "kyrage.config.ts": config(), "schema.ts": schema("") });
    const w = watch(dir);
    try {
      const x = await owned(w, /kyrage\.config\.ts: 1 operation /, 0);
      // A teammate's migration, newer than X, and their table in the config.
      const pulled = (BigInt(idOf(x)) + 1000n).toString();
      await Deno.writeTextFile(
        `${dir}/migrations/${pulled}.json`,
        JSON.stringify({
          format: 1,
          id: pulled,
          createdAt: new Date().toISOString(),
          allowDestructive: false,
          operations: [{
            kind: "create_table",
            schema: "public",
            table: "tags",
            columns: [{ name: "name", type: "text", notNull: false }],
          }],
        }),
      );
      const mark = w.out.text.length;
      await Deno.writeTextFile(
        `${dir}/schema.ts`,
        schema("", `, defineTable("tags", { name: column("text") })`),
      );
      const y = await owned(w, /schema\.ts: 1 operation /, mark);
      assert.ok(idOf(y) > pulled, `the owned file stays the newest: ${y}`);
      assert.deepEqual(await operationsOf(y), ["create_table"], "users only: tags comes from the pulled migration");
      assert.deepEqual(
        [...Deno.readDirSync(`${dir}/migrations`)].map((e) => e.name).sort(),
        [`${pulled}.json`, basename(y)],
        "the old owned file (never applied) is gone",
      );
      assert.match(await cli(dir, "check"), /./);
    } finally {
      await stop(w);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

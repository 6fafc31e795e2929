/**
 * `pull --baseline` then `check`, `plan` and `status` on a database holding
 * every object kind with hostile names, in a schema of its own and across
 * schemas (issue 16): the pulled config re-plans empty and `check` proves the
 * baseline builds it.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { openDatabase } from "../../src/dialect/database.ts";
import { backendTest } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";

export const HOSTILE_SQL = `
create schema "a.b ""c""";
create schema "other";
create extension citext schema "other";
create domain "a.b ""c"""."Mail dom" as other.citext constraint "has @" check (value ~ '@');
create function "a.b ""c"""."f$$ 1"(x int default 1) returns int language sql immutable as $f$ select x + length('$$') $f$;
create table "a.b ""c"""."select" (
  "Id" int primary key,
  "m a" "a.b ""c"""."Mail dom",
  n int default "a.b ""c"""."f$$ 1"(2) check (n < "a.b ""c"""."f$$ 1"(100)),
  s bigint
);
create sequence "a.b ""c"""."owned seq" owned by "a.b ""c"""."select".s;
create sequence other."free seq" start 7 increment 3;
create view "a.b ""c"""."v 1" as select "Id", "a.b ""c"""."f$$ 1"(n) as f from "a.b ""c"""."select";
create view other."v.2" as select "Id" from "a.b ""c"""."v 1" where f > 1;
create materialized view "a.b ""c"""."mv ""x""" as select "Id" from other."v.2" with no data;
create unique index "mv idx" on "a.b ""c"""."mv ""x"""("Id");
create table "a.b ""c"""."part ed" (k int not null, v text) partition by range (k);
create table "a.b ""c"""."part ed 1" partition of "a.b ""c"""."part ed" for values from (0) to (10);
create function other."trg fn"() returns trigger language plpgsql as $t$ begin new.v := coalesce(new.v, '$$'); return new; end $t$;
create trigger "tr ""1""" before insert on "a.b ""c"""."part ed" for each row execute function other."trg fn"();
alter table "a.b ""c"""."select" enable row level security;
create policy "p.o ""l""" on "a.b ""c"""."select" using (n < "a.b ""c"""."f$$ 1"(5));
create procedure other."proc ""é"""(inout x int) language plpgsql as $p$ begin x := x + 1; end $p$;
`;

backendTest("pull --baseline then check, plan and status on every kind with hostile names", async (d) => {
  const source = d.target.dialect === "pglite"
    ? await openDatabase({ ...d.target, extensions: ["citext"] })
    : await d.open();
  try {
    // One statement a line: bodies hold semicolons.
    for (const statement of HOSTILE_SQL.split(";\n").map((s) => s.trim()).filter(Boolean)) {
      await sql.raw(statement).execute(source.db);
    }
  } finally {
    await source.close();
  }
  const dir = await tempProject({
    "kyrage.config.ts": `import { defineConfig } from "kyrage";
import { domains, enums, extensions, functions, policies, schemas, sequences, tables, triggers, views } from "./schema.ts";
export default defineConfig({ database: ${
      databaseBlock(d)
    }, domains, enums, extensions, functions, policies, schemas, sequences, tables, triggers, views });`,
    "schema.ts": "domains, enums, extensions, functions, policies, schemas, sequences, tables, triggers, views".split(
      ", ",
    ).map((k) => `export const ${k} = [];\n`).join(""),
  });
  const pulled = await runCli(["pull", "--baseline", "--force", "--schema", `a.b "c",other`], { cwd: dir });
  assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
  const schemaText = await Deno.readTextFile(`${dir}/schema.ts`);
  for (const args of [["plan", "--exit-code"], ["check"], ["status"]]) {
    const result = await runCli(args, { cwd: dir });
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stdout}${result.stderr}\n${schemaText}`);
  }
});

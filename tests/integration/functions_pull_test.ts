/**
 * Pull of functions, procedures and triggers written by hand in SQL (issue
 * 16): the pulled config plans empty against its source, builds the same
 * objects on an empty database, and on PostgreSQL the same `pg_dump
 * --schema-only`.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { introspect } from "../../src/dialect/postgres/introspect.ts";
import { HISTORY_QUALIFIED } from "../../src/migrations/history.ts";
import { pullDatabase } from "../../src/pull/pull.ts";
import { createTestDatabase, databaseTest } from "../support/backends.ts";
import { pgDump } from "../support/pg_dump.ts";
import { generateAndApply, plan } from "../support/pipeline.ts";
import { statements } from "../support/sql_schemas.ts";
import { pulledProject } from "../support/objects.ts";

const SOURCE = `
create table users (id int primary key, name text not null, updated_at timestamptz);
create function touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;
comment on function touch_updated_at() is 'Stamps updated_at';
create trigger users_touch before update of name on users for each row
  when (old.name is distinct from new.name) execute function touch_updated_at();
create trigger users_audit after insert or delete on users for each statement execute function touch_updated_at('a', 'it''s');
alter table users disable trigger users_audit;
comment on trigger users_touch on users is 'Keeps updated_at';
create function greet(who text default 'world') returns text language sql stable security definer
  set search_path = public, pg_temp as $$ select 'hello ' || who $$;
create function greet(who text, times int) returns text language sql immutable strict parallel safe cost 5
  set search_path = '' set statement_timeout = '5s' as 'select repeat(who, times)';
create function named(n text) returns setof users language sql stable rows 10 as $$ select * from users where name = n $$;
create function pairs(out a int, out b text) returns setof record language sql as $$ select id, name from users $$;
create function listing() returns table(id int, label text) language sql as $$ select id, name from users $$;
create function plus_one(x int) returns int language sql immutable return x + 1;
create function total(variadic xs int[]) returns bigint language sql begin atomic select sum(v) from unnest(xs) v; end;
create procedure rename_user(uid int, inout new_name text) language plpgsql as $$ begin update users set name = new_name where id = uid; end $$;
create view greetings as select id, greet(name) as greeting from users;
`;

databaseTest("pull writes functions, procedures and triggers that rebuild exactly", async (database, dir, source) => {
  for (const statement of statements(SOURCE)) await sql.raw(statement).execute(database.db);
  const pulled = await pullDatabase(database, ["public"]);
  assert.deepEqual(pulled.unsupported, [], "nothing left unmanaged");
  assert.ok(pulled.source.includes("export const functions = ["), pulled.source);
  assert.ok(pulled.source.includes("export const triggers = ["), pulled.source);
  const config = await pulledProject(dir, pulled);
  assert.deepEqual(await plan(database, config), [], `the pull plans empty against its source:\n${pulled.source}`);
  const options = { schemas: ["public"], excludeTables: [HISTORY_QUALIFIED] };
  const target = await createTestDatabase(source.backend);
  const empty = await target.open();
  try {
    await generateAndApply(empty, config);
    assert.deepEqual(await plan(empty, config), []);
    assert.deepEqual((await introspect(empty.db, options)).objects, (await introspect(database.db, options)).objects);
    if (source.backend === "postgres") {
      await sql`drop table ${sql.table(HISTORY_QUALIFIED)}`.execute(empty.db);
      assert.deepEqual(await pgDump(target.databaseUrl!), await pgDump(source.databaseUrl!));
    }
  } finally {
    await empty.close();
    await target.dispose();
  }
});

databaseTest("privileges on a function are listed as not managed", async (database) => {
  await sql`create function secret() returns int language sql as 'select 1'`.execute(database.db);
  assert.deepEqual((await pullDatabase(database, ["public"])).unsupported, []);
  await sql`revoke execute on function secret() from public`.execute(database.db);
  assert.deepEqual((await pullDatabase(database, ["public"])).unsupported, ["privileges on function public.secret()"]);
});

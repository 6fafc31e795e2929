import assert from "node:assert/strict";
import { prettySql } from "../../src/cli/pretty_sql.ts";

Deno.test("prettySql breaks top-level clauses, never inside quotes or parentheses", () => {
  assert.equal(
    prettySql(
      `ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_a_fkey" FOREIGN KEY ("a") REFERENCES "public"."members" ("id") ON DELETE CASCADE;`,
    ),
    `ALTER TABLE "public"."posts"\n  ADD CONSTRAINT "posts_a_fkey" FOREIGN KEY ("a")\n  REFERENCES "public"."members" ("id")\n  ON DELETE CASCADE;`,
  );
  assert.equal(
    prettySql(`CREATE INDEX "x ON y" ON "public"."m" USING gin ("e") WHERE (x = 'a, ON b' AND y = $$ USING $$);`),
    `CREATE INDEX "x ON y"\n  ON "public"."m"\n  USING gin ("e")\n  WHERE (x = 'a, ON b' AND y = $$ USING $$);`,
  );
  assert.equal(
    prettySql(`ALTER TABLE "t" ALTER COLUMN "a" TYPE bigint USING "a"::bigint, ALTER COLUMN "b" DROP DEFAULT;`),
    `ALTER TABLE "t"\n  ALTER COLUMN "a" TYPE bigint USING "a"::bigint,\n  ALTER COLUMN "b" DROP DEFAULT;`,
  );
  const laidOut = `CREATE TABLE "t" (\n  "a" int\n);`;
  assert.equal(prettySql(laidOut), laidOut);
});

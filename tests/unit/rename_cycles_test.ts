/**
 * renamedFrom hints that swap or rotate names: refused when the config loads,
 * naming every member and the steps, since a swap applied reads the same as
 * one not yet made. A chain of renames or a hint naming nothing declared is not a cycle.
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/load.ts";
import { column, type Config, defineTable, type TableDefinition } from "../../src/mod.ts";

const load = (tables: TableDefinition[]) => validateConfig({ tables } satisfies Config, "/test/kyrage.config.ts");
const table = (name: string, renamedFrom?: string) =>
  defineTable(name, { id: column("int") }, undefined, renamedFrom ? { renamedFrom } : {});

Deno.test("rename cycles: three tables rotating names are refused with the steps", () => {
  assert.throws(
    () => load([table("app.a", "app.b"), table("app.b", "c"), table("app.c", "app.a")]),
    new RegExp(
      String.raw`^KyrageError: Invalid config /test/kyrage\.config\.ts: tables\[0\]\.renamedFrom \(table "app\.a"\): ` +
        String.raw`renamedFrom hints swap the names of tables app\.a, app\.b, app\.c ` +
        String.raw`\(app\.a ← app\.b, app\.b ← app\.c, app\.c ← app\.a\); .*in separate plans.*: first rename ` +
        String.raw`table app\.a to a free name \(say app\.a_old\) and apply, then rename app\.b to app\.a and apply, ` +
        String.raw`then rename app\.c to app\.b and apply, then rename app\.a_old to app\.c and apply$`,
    ),
  );
});

Deno.test("rename cycles: two columns swapping names are refused, naming the table", () => {
  const t = defineTable("t", { x: column("int", { renamedFrom: "y" }), y: column("int", { renamedFrom: "x" }) });
  assert.throws(
    () => load([t]),
    /tables\[0\]\.columns\.x \(table "t"\): renamedFrom hints swap the names of columns x, y of table public\.t/,
  );
});

Deno.test("rename cycles: chains, self hints and hints naming undeclared objects load", () => {
  load([table("a", "b"), table("b", "c")]);
  load([table("a", "a"), table("b", "gone")]);
  load([defineTable("t", { x: column("int", { renamedFrom: "y" }), y: column("int", { renamedFrom: "z" }) })]);
  // Same names in two schemas are two tables, not a swap.
  load([table("app.a", "b"), table("public.b", "a")]);
});

Deno.test("rename cycles: the free name suggested for a 63-byte name fits in 63 bytes", () => {
  const long = "a".repeat(63);
  const t = defineTable("t", { [long]: column("int", { renamedFrom: "b" }), b: column("int", { renamedFrom: long }) });
  assert.throws(() => load([t]), new RegExp(`to a free name \\(say ${"a".repeat(59)}_old\\)`));
});

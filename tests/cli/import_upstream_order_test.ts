/**
 * `import-upstream` on a file that lists its operations out of order (a
 * foreign key and an index before the tables they are on): upstream's
 * reconciler runs them by kind, so upstream applied it; the import does
 * too, and the imported history builds the database upstream built.
 */
import assert from "node:assert/strict";
import { backendTest } from "../support/backends.ts";
import { databaseBlock, runCli, tempProject } from "../support/cli.ts";

const FILE = {
  version: "1",
  id: "1700000000000",
  diff: {
    operations: [
      {
        type: "create_foreign_key_constraint",
        table: "books",
        name: "fk_books_author_id",
        columns: ["author_id"],
        referencedTable: "authors",
        referencedColumns: ["id"],
      },
      { type: "create_index", table: "authors", name: "idx_authors_name", columns: ["name"] },
      { type: "create_primary_key_constraint", table: "authors", name: "authors_id_primary_key", columns: ["id"] },
      { type: "create_table", table: "books", columns: { author_id: { type: "integer" } } },
      {
        type: "create_table",
        table: "authors",
        columns: { id: { type: "integer", primaryKey: true, notNull: true }, name: { type: "text" } },
      },
    ],
  },
};

backendTest("import-upstream runs a file's operations in upstream's order, not as listed", async (target) => {
  const dir = await tempProject({
    "kyrage.config.ts": `import { column as c, defineConfig, defineTable as t } from "kyrage";
const authors = t("authors", { id: c("integer", { primaryKey: true }), name: c("text") },
  (t) => [t.index(["name"])]);
const books = t("books", { author_id: c("integer") }, (t) => [t.reference("author_id", authors, "id")]);
export default defineConfig({ naming: "kyrage-v1", database: ${databaseBlock(target)}, tables: [authors, books] });`,
    "migrations/1700000000000.json": JSON.stringify(FILE, null, 2),
  });
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const imported = await cli("import-upstream");
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /1 kyrage file written/);
  const applied = await cli("apply");
  assert.equal(applied.code, 0, applied.stderr);
  const plan = await cli("plan", "--exit-code");
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /No changes/);
});

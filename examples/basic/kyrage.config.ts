import { defineConfig } from "kyrage";
import { posts, users } from "./schema.ts";

// No `database`: kyrage uses the embedded PGlite database in .kyrage/pglite.
// Point it at a server with --database-url or DATABASE_URL.
export default defineConfig({
  tables: [users, posts],
});

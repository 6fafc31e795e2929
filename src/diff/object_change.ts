/** How an object changes: `alter` in place (`CREATE OR REPLACE`, `ALTER`), `recreate` dropped and created again. */
export type ObjectChange = "same" | "alter" | "recreate";

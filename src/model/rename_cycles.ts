/**
 * renamedFrom hints that form a cycle (a swap: left ← right, right ← left).
 * Once applied, the config reads the same as before, so a swap cannot be told
 * from one already made: the differ would ignore both hints and plan nothing
 * (or something unrelated). Refused here, by name, with the steps that work.
 */
import { ConfigIssue } from "./checks.ts";
import { makeObjectName } from "./names.ts";
import type { Table } from "./types.ts";

/** The cycles among `hints` (new name → old name, both declared), each from the first member reached in `order`. */
function cycles(order: readonly string[], hints: ReadonlyMap<string, string>): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  for (const start of order) {
    if (seen.has(start)) continue;
    const path: string[] = [];
    let name: string | undefined = start;
    while (name !== undefined && !seen.has(name) && !path.includes(name)) {
      path.push(name);
      name = hints.get(name);
    }
    if (name !== undefined && path.includes(name)) found.push(path.slice(path.indexOf(name)));
    path.forEach((n) => seen.add(n));
  }
  return found;
}

/** `free`: a name to park the first member under, ≤ 63 bytes as PostgreSQL truncates. */
const steps = (cycle: readonly string[], what: string, free: string) => {
  const [first, ...rest] = cycle;
  const moves = rest.map((name, i) => `rename ${name} to ${cycle[i]}`);
  return `do it in separate plans, one plain rename each: first rename ${what} ${first} to a free name (say ` +
    `${free}) and apply, then ${moves.join(" and apply, then ")} and apply, then rename ${free} to ` +
    `${cycle[cycle.length - 1]} and apply`;
};

/** Refuses renamedFrom hints that swap (or rotate) the names of tables of a schema, or columns of a table. */
export function checkRenameCycles(tables: readonly Table[]): void {
  const key = (schema: string, name: string) => `${schema}.${name}`;
  const declared = new Set(tables.map((t) => key(t.schema, t.name)));
  const tableHints = new Map(
    tables.flatMap((t) =>
      t.renamedFrom && t.renamedFrom !== t.name && declared.has(key(t.schema, t.renamedFrom))
        ? [[key(t.schema, t.name), key(t.schema, t.renamedFrom)] as const]
        : []
    ),
  );
  for (const cycle of cycles(tables.map((t) => key(t.schema, t.name)), tableHints)) {
    const index = tables.findIndex((t) => key(t.schema, t.name) === cycle[0]);
    const { schema, name } = tables[index];
    throw new ConfigIssue(
      `tables[${index}].renamedFrom`,
      `renamedFrom hints swap the names of tables ${cycle.join(", ")} (${describe(cycle)}); a swap applied reads ` +
        `the same as one not yet made, so kyrage cannot plan it safely: ${
          steps(cycle, "table", key(schema, makeObjectName(name, undefined, "old")))
        }`,
    );
  }
  tables.forEach((table, i) => {
    // A partition's columns are its parent's, refused there.
    if (table.partitionOf) return;
    const names = new Set(table.columns.map((c) => c.name));
    const hints = new Map(
      table.columns.flatMap((c) =>
        c.renamedFrom && c.renamedFrom !== c.name && names.has(c.renamedFrom) ? [[c.name, c.renamedFrom] as const] : []
      ),
    );
    for (const cycle of cycles(table.columns.map((c) => c.name), hints)) {
      throw new ConfigIssue(
        `tables[${i}].columns.${cycle[0]}`,
        `renamedFrom hints swap the names of columns ${cycle.join(", ")} of table ${table.schema}.${table.name} ` +
          `(${describe(cycle)}); a swap applied reads the same as one not yet made, so kyrage cannot plan it ` +
          `safely: ${steps(cycle, "column", makeObjectName(cycle[0], undefined, "old"))}`,
      );
    }
  });
}

/** `left ← right, right ← left`: each new name with the old one it takes. */
function describe(cycle: readonly string[]): string {
  return cycle.map((name, i) => `${name} ← ${cycle[(i + 1) % cycle.length]}`).join(", ");
}

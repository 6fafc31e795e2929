/** The destructive classifier: decided from operations, never from SQL text. */
import assert from "node:assert/strict";
import { destructiveChanges, isNarrowing, tableKey } from "../../src/diff/destructive.ts";
import type { ColumnChanges, Operation } from "../../src/diff/operations.ts";

Deno.test("isNarrowing: widening conversions pass, the rest may lose values", () => {
  const widening: [string, string][] = [
    ["integer", "bigint"],
    ["smallint", "integer"],
    ["character varying(10)", "character varying(20)"],
    ["character varying(10)", "text"],
    ["numeric(10,2)", "numeric(12,2)"],
    ["numeric(10,2)", "numeric"],
    ["real", "double precision"],
    ["timestamp without time zone", "timestamp with time zone"],
  ];
  const narrowing: [string, string][] = [
    ["bigint", "integer"],
    ["text", "character varying(10)"],
    ["character varying(20)", "character varying(10)"],
    ["numeric(12,2)", "numeric(10,2)"],
    ["numeric(10,2)", "numeric(10,1)"],
    ["text", "integer"],
    ["double precision", "real"],
  ];
  for (const [from, to] of widening) assert.equal(isNarrowing(from, to), false, `${from} → ${to}`);
  for (const [from, to] of narrowing) assert.equal(isNarrowing(from, to), true, `${from} → ${to}`);
});

Deno.test("enum rebuilds: removing labels and reordering them are both reported", () => {
  const rebuild = (from: string[], to: string[]): Operation => ({
    kind: "recreate_enum",
    schema: "public",
    name: "mood",
    from,
    to,
    columns: [],
  });
  const [removed] = destructiveChanges([rebuild(["sad", "ok", "happy"], ["sad", "happy"])]);
  assert.match(removed.loses, /enum labels ok of public\.mood/);
  const [reordered] = destructiveChanges([rebuild(["sad", "ok"], ["ok", "sad"])]);
  assert.match(reordered.loses, /order of enum public\.mood's labels/);
});

Deno.test("a changed index or constraint (dropped and re-added under its name) is not a loss", () => {
  const index = { name: "t_a_idx", keys: [{ column: "a" }], unique: false, method: "btree", include: [] };
  const on = { schema: "public", table: "t" };
  assert.deepEqual(
    destructiveChanges([{ kind: "drop_index", ...on, index }, {
      kind: "create_index",
      ...on,
      index: { ...index, unique: true },
    }]),
    [],
  );
  assert.equal(destructiveChanges([{ kind: "drop_index", ...on, index }]).length, 1);
});

Deno.test("a type change with a hand-written USING is destructive, even when it widens", () => {
  const op = (using?: string): Operation => ({
    kind: "alter_column",
    schema: "public",
    table: "t",
    column: "v",
    changes: { type: { from: "bigint", to: "numeric", ...(using ? { using } : {}) } },
  });
  assert.deepEqual(destructiveChanges([op()]), [], "a plain widening loses nothing");
  const [found] = destructiveChanges([op("0")]);
  assert.match(found.loses, /public\.t\.v, rewritten by USING 0 \(bigint → numeric\)/);
});

Deno.test("json → jsonb is destructive: duplicate keys collapse", () => {
  assert.equal(isNarrowing("json", "jsonb"), true);
  assert.equal(isNarrowing("jsonb", "json"), false, "jsonb's text is valid json");
  assert.equal(isNarrowing("json", "text"), false);
});

Deno.test("a serial or identity taken off a column loses its sequence", () => {
  const op = (changes: ColumnChanges): Operation => ({
    kind: "alter_column",
    schema: "public",
    table: "t",
    column: "id",
    changes,
  });
  const [serial] = destructiveChanges([op({ serial: { from: "serial" } })]);
  assert.match(serial.loses, /default of public\.t\.id and its sequence .*\(no longer serial\)/);
  const [identity] = destructiveChanges([op({ identity: { from: "always" } })]);
  assert.match(identity.loses, /identity of public\.t\.id and its sequence/);
  assert.deepEqual(destructiveChanges([op({ serial: { from: "serial", to: "bigserial" } })]), [], "widened, kept");
  assert.deepEqual(destructiveChanges([op({ identity: { from: "always", to: "by default" } })]), [], "kept");
  assert.deepEqual(
    destructiveChanges([op({ serial: { from: "serial" }, identity: { to: "by default" } })]),
    [],
    "serial to identity: the identity is set past the column's values",
  );
});

Deno.test("a dropped object marked recreated is a loss unless the list creates it again", () => {
  const object = { kind: "sequence", schema: "public", name: "n", type: "bigint", options: {} } as const;
  const drop: Operation = { kind: "drop_object", object, recreated: true };
  assert.match(destructiveChanges([drop])[0].loses, /sequence public\.n and its current value/);
  assert.deepEqual(destructiveChanges([drop, { kind: "create_object", object }]), []);
});

Deno.test("with the live columns, a file is judged by what the database holds, not by what it says", () => {
  const on = { schema: "public", table: "t" };
  const live = () => new Map([[tableKey("public", "t"), new Map([["v", { type: "numeric", generated: false }]])]]);
  const widen: Operation = {
    kind: "alter_column",
    ...on,
    column: "v",
    changes: { type: { from: "integer", to: "bigint" } },
  };
  assert.deepEqual(destructiveChanges([widen]), [], "as the file tells it");
  assert.match(destructiveChanges([widen], live())[0].loses, /do not fit bigint \(was numeric\)/);
  const drop: Operation = {
    kind: "drop_column",
    ...on,
    column: { name: "v", type: "numeric", notNull: false, generated: "1" },
  };
  assert.match(destructiveChanges([drop], live())[0].loses, /column public\.t\.v \(numeric\) and its values/);
  // Each operation sees what the ones before it leave: numeric → text → bigint narrows at the second step.
  const text: Operation = {
    kind: "alter_column",
    ...on,
    column: "v",
    changes: { type: { from: "numeric", to: "text" } },
  };
  const back: Operation = {
    kind: "alter_column",
    ...on,
    column: "v",
    changes: { type: { from: "integer", to: "bigint" } },
  };
  const columns = live();
  assert.deepEqual(destructiveChanges([text], columns), []);
  assert.match(destructiveChanges([back], columns)[0].loses, /was text/, "the next file runs on what this one left");
});

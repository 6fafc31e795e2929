/**
 * Bounds as the catalog prints them, read into predicates: string literals
 * that look like bound syntax stay literals, and what cannot be read (or
 * compared with the default operators) gives no predicate, never a wrong one.
 * Whether a predicate takes the rows PostgreSQL routes is checked on real
 * databases in tests/integration/partition_default_test.ts.
 */
import assert from "node:assert/strict";
import { boundPredicate } from "../../src/dialect/postgres/partition_predicate.ts";
import type { PartitionBy } from "../../src/model/types.ts";

const range: PartitionBy = { strategy: "range", keys: [{ column: "k" }] };

Deno.test("a string literal holding bound syntax, quotes and backslashes stays one literal", () => {
  assert.equal(
    boundPredicate(range, "FOR VALUES FROM ('a'') TO (''b') TO ('z\\')"),
    `"k" IS NOT NULL AND "k" >= 'a'') TO (''b' AND "k" < E'z\\\\'`,
  );
});

Deno.test("a collated key and an expression key are compared as the partition key is", () => {
  const by: PartitionBy = {
    strategy: "list",
    keys: [{ column: "lower(name)", expression: true, collation: '"C"' }],
  };
  assert.equal(
    boundPredicate(by, "FOR VALUES IN ('a', NULL)"),
    `((lower(name)) COLLATE "C" IS NULL OR (lower(name)) COLLATE "C" IN ('a'))`,
  );
});

Deno.test("what cannot be read gives no predicate", () => {
  for (
    const [by, bound] of [
      [range, "FOR VALUES FROM (E'a\\\\') TO ('z')"],
      [range, "FOR VALUES FROM ('a') TO ('z') extra"],
      [range, "FOR VALUES FROM ('a', 'b') TO ('z', 'z')"],
      [range, "FOR VALUES FROM ('a' TO ('z')"],
      [range, "DEFAULT"],
      [{ strategy: "range", keys: [{ column: "k", opclass: "text_pattern_ops" }] }, "FOR VALUES FROM ('a') TO ('z')"],
      [{ strategy: "hash", keys: [{ column: "k" }] }, "FOR VALUES WITH (modulus 2, remainder 0)"],
    ] as [PartitionBy, string][]
  ) {
    assert.equal(boundPredicate(by, bound), undefined, bound);
  }
});

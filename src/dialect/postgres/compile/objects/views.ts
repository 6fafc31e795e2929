/** Views and materialized views: create, drop, and change in place. */
import type { MaterializedViewObject, ViewObject, ViewOptions } from "../../../../model/objects/view.ts";
import type { Index } from "../../../../model/types.ts";
import { identList, literal, qualified } from "../../quote.ts";
import { createIndex } from "../indexes.ts";
import type { ObjectCompiler } from "../objects.ts";

function optionList(options: ViewOptions): string[] {
  return [
    ...(options.securityBarrier ? ["security_barrier = true"] : []),
    ...(options.securityInvoker ? ["security_invoker = true"] : []),
    ...(options.checkOption ? [`check_option = ${options.checkOption}`] : []),
  ];
}

/** A user's column names while the definition is still theirs; a catalog definition names its columns itself. */
const columnList = (v: ViewObject | MaterializedViewObject) =>
  v.columns.length > 0 && v.columns.every((c) => c.type === "") ? ` (${identList(v.columns.map((c) => c.name))})` : "";

const comment = (what: string, v: ViewObject | MaterializedViewObject) =>
  `COMMENT ON ${what} ${qualified(v.schema, v.name)} IS ${v.comment !== undefined ? literal(v.comment) : "NULL"}`;

function createView(v: ViewObject, replace = false): string {
  const options = optionList(v.options);
  return `CREATE${replace ? " OR REPLACE" : ""} VIEW ${qualified(v.schema, v.name)}${columnList(v)}` +
    `${options.length > 0 ? ` WITH (${options.join(", ")})` : ""} AS\n${v.definition}`;
}

export const viewCompiler: ObjectCompiler<ViewObject> = {
  create: (v) => [createView(v), ...(v.comment !== undefined ? [comment("VIEW", v)] : [])],
  drop: (v) => [`DROP VIEW ${qualified(v.schema, v.name)}`],
  alter: (from, to) => {
    const statements: string[] = [];
    if (from.definition !== to.definition) statements.push(createView(to, true));
    if (JSON.stringify(from.options) !== JSON.stringify(to.options)) {
      const name = qualified(to.schema, to.name);
      statements.push(`ALTER VIEW ${name} RESET (security_barrier, security_invoker, check_option)`);
      const options = optionList(to.options);
      if (options.length > 0) statements.push(`ALTER VIEW ${name} SET (${options.join(", ")})`);
    }
    if (from.comment !== to.comment) statements.push(comment("VIEW", to));
    return statements;
  },
};

const indexSql = (v: MaterializedViewObject, index: Index) => createIndex(v.schema, v.name, index);

export const materializedViewCompiler: ObjectCompiler<MaterializedViewObject> = {
  create: (v) => [
    `CREATE MATERIALIZED VIEW ${qualified(v.schema, v.name)}${columnList(v)} AS\n${v.definition}\n` +
    `WITH ${v.withData ? "" : "NO "}DATA`,
    ...v.indexes.map((index) => indexSql(v, index)),
    ...(v.comment !== undefined ? [comment("MATERIALIZED VIEW", v)] : []),
  ],
  drop: (v) => [`DROP MATERIALIZED VIEW ${qualified(v.schema, v.name)}`],
  alter: (from, to) => {
    const same = (a: Index, b: Index) => JSON.stringify(a) === JSON.stringify(b);
    const dropped = from.indexes.filter((i) => !to.indexes.some((j) => same(i, j)));
    const added = to.indexes.filter((i) => !from.indexes.some((j) => same(i, j)));
    return [
      ...dropped.map((i) => `DROP INDEX ${qualified(from.schema, i.name)}`),
      ...added.map((i) => indexSql(to, i)),
      ...(from.comment !== to.comment ? [comment("MATERIALIZED VIEW", to)] : []),
    ];
  },
};

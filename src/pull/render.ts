/**
 * Pulled schema → the TypeScript a person would write with the DSL: enums,
 * composite and range types, then tables in dependency order, then `enums`,
 * `tables` (and `types`, when there are any) and `schemas` arrays for the
 * config. Deterministic, and laid out the way `deno fmt` lays it out.
 */
import type {
  ColumnDefinition,
  CompositeTypeDefinition,
  ConstraintDefinition,
  DomainDefinition,
  MaterializedViewDefinition,
  PolicyDefinition,
  RangeTypeDefinition,
  TableDefinition,
  TypeInput,
  ViewDefinition,
} from "../config/dsl.ts";
import { array, call, type Doc, layout, object, text } from "./layout.ts";
import { key, quote, sqlText, str, value, withOptions } from "./render_values.ts";
import { routineDoc, triggerDoc } from "./render_routines.ts";
import type { PulledSchema } from "./to_config.ts";

const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await tables enums schemas column " +
    "defineTable defineEnum definePartition t types defineCompositeType defineRangeType views defineView " +
    "defineMaterializedView m policies definePolicy domains defineDomain extensions defineExtension sequences " +
    "defineSequence functions triggers defineFunction defineProcedure defineTrigger").split(" "),
);

/** A unique, valid variable name per table or enum name. */
function variableNames(names: readonly string[], used: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of names) {
    let base = name.replace(/[^A-Za-z0-9_$]+/g, "_").replace(/^_+|_+$/g, "") || "table";
    if (/^[0-9]/.test(base) || RESERVED.has(base)) base = `${base}_`;
    let candidate = base;
    for (let i = 2; used.has(candidate); i++) candidate = `${base}${i}`;
    used.add(candidate);
    out.set(name, candidate);
  }
  return out;
}

/** {@link variableNames} for names that may repeat (overloads, triggers of different tables), in order. */
function variableList(names: readonly string[], used: Set<string>): string[] {
  return names.map((name) => variableNames([name], used).get(name)!);
}

function columnDoc(c: ColumnDefinition, enumVariable: (name: string) => string | undefined): Doc {
  const { kind: _k, type, enum: enumType, userType, ...options } = c;
  const named = enumType ?? userType;
  return withOptions("column", [named ? text(enumVariable(named.name)!) : str(type)], options);
}

/** A type used by a user type: a string, or the variable of its definition. */
const typeDoc = (type: TypeInput, variable: (name: string) => string | undefined) =>
  typeof type === "string" ? str(type) : text(variable(type.name)!);

function userTypeDoc(t: CompositeTypeDefinition | RangeTypeDefinition, variable: (name: string) => string | undefined) {
  if (t.kind === "range") {
    const { kind: _k, name, subtype, ...options } = t;
    return call(
      "defineRangeType",
      str(name),
      object([
        ["subtype", typeDoc(subtype, variable)],
        ...Object.entries(options).map(([k, v]): [string, Doc] => [k, str(v)]),
      ]),
    );
  }
  return call(
    "defineCompositeType",
    str(t.name),
    object(
      Object.entries(t.attributes).map(([name, a]): [string, Doc] => [
        key(name),
        typeof a === "object" && !("kind" in a)
          ? object([
            ["type", typeDoc(a.type, variable)],
            ...(a.collation ? [["collation", str(a.collation)] as [string, Doc]] : []),
          ])
          : typeDoc(a, variable),
      ]),
    ),
  );
}

function constraintDoc(c: ConstraintDefinition, builder = "t"): Doc {
  switch (c.kind) {
    case "primaryKey": {
      const { kind: _k, columns, ...options } = c;
      return withOptions("t.primaryKey", [value(columns)], options);
    }
    case "unique": {
      const { kind: _k, columns, ...options } = c;
      return withOptions("t.unique", [value(columns)], options);
    }
    case "index": {
      const { kind: _k, columns, ...options } = c;
      return withOptions(`${builder}.index`, [value(columns)], options);
    }
    case "check": {
      const { kind: _k, expression, ...options } = c;
      return withOptions("t.check", [str(expression)], options);
    }
    case "reference": {
      const { kind: _k, columns, table, refColumns, ...options } = c;
      return withOptions("t.reference", [value(columns), str(table), value(refColumns)], options);
    }
  }
}

function viewDoc(v: ViewDefinition | MaterializedViewDefinition): Doc {
  if (v.kind === "view") {
    const { kind: _k, name, query, ...options } = v;
    return withOptions("defineView", [str(name), sqlText(query)], options);
  }
  const { kind: _k, name, query, indexes, ...options } = v;
  const indexDocs = indexes.map((i) => constraintDoc(i, "m"));
  const builder = indexDocs.length > 0
    ? text(`(m) => [${indexDocs.map((d) => layout(d, 2, 2)).join(", ")}]`)
    : undefined;
  const rest = Object.entries(options).filter(([, x]) => x !== undefined);
  return call(
    "defineMaterializedView",
    str(name),
    sqlText(query),
    ...(builder ? [builder] : rest.length > 0 ? [text("undefined")] : []),
    ...(rest.length > 0 ? [value(Object.fromEntries(rest))] : []),
  );
}

/** `defineDomain("name", { type, ... })`, SQL expressions as SQL text. */
function domainDoc(d: DomainDefinition): Doc {
  const { kind: _k, name, checks, ...options } = d;
  const check = (c: NonNullable<DomainDefinition["checks"]>[number]) =>
    object([
      ...(c.name !== undefined ? [["name", str(c.name)] as [string, Doc]] : []),
      ["expression", sqlText(c.expression)],
      ...(c.notValid ? [["notValid", value(true)] as [string, Doc]] : []),
    ]);
  const entries: [string, Doc][] = [
    ...Object.entries(options).map(([k, v]): [string, Doc] => [k, value(v)]),
    ...(checks ? [["checks", array(checks.map(check))] as [string, Doc]] : []),
  ];
  return call("defineDomain", str(name), object(entries));
}

/** `definePolicy("name", { table: notes, ... })`, the table by its variable when pulled with it. */
function policyDoc(p: PolicyDefinition, tableVariable: (name: string) => string | undefined): Doc {
  const { kind: _k, name, table, using, withCheck, ...options } = p;
  const entries: [string, Doc][] = [
    ["table", tableVariable(table) !== undefined ? text(tableVariable(table)!) : str(table)],
    ...Object.entries(options).map(([k, v]): [string, Doc] => [k, value(v)]),
    ...(using !== undefined ? [["using", sqlText(using)] as [string, Doc]] : []),
    ...(withCheck !== undefined ? [["withCheck", sqlText(withCheck)] as [string, Doc]] : []),
  ];
  return call("definePolicy", str(name), object(entries));
}

function tableSource(
  variable: string,
  table: TableDefinition,
  enumVariable: (name: string) => string | undefined,
  tableVariable: (name: string) => string | undefined,
): string {
  const field = (name: string, doc: Doc) => `    ${key(name)}: ${layout(doc, 4, 6 + key(name).length, 1)},`;
  const { kind: _k, name: _n, columns: _c, constraints: _t, partitionOf, ...options } = table;
  const hasOptions = Object.keys(options).length > 0;
  const lines = [
    `export const ${variable} = ${partitionOf ? "definePartition" : "defineTable"}(`,
    `  ${quote(table.name)},`,
  ];
  if (partitionOf) {
    const parent = text(tableVariable(partitionOf.table) ?? quote(partitionOf.table));
    const bound = value(partitionOf.bound);
    if (table.constraints.length === 0 && !hasOptions) {
      return declaration(variable, call("definePartition", str(table.name), parent, bound));
    }
    lines.push(`  ${layout(parent, 2, 2, 1)},`, `  ${layout(bound, 2, 2, 1)},`);
  } else {
    lines.push("  {");
    for (const [name, c] of Object.entries(table.columns)) lines.push(field(name, columnDoc(c, enumVariable)));
    lines.push("  },");
  }
  if (table.constraints.length > 0) {
    lines.push("  (t) => [");
    for (const c of table.constraints) lines.push(`    ${layout(constraintDoc(c), 4, 4, 1)},`);
    lines.push("  ],");
  } else if (hasOptions) lines.push("  undefined,");
  if (hasOptions) lines.push(`  ${layout(value(options), 2, 2, 1)},`);
  lines.push(");");
  return lines.join("\n");
}

/** `import { ... } from "kyrage";`, one name a line when it does not fit, as `deno fmt` does. */
function importLine(names: readonly string[]): string {
  const line = `import { ${names.join(", ")} } from "kyrage";`;
  return line.length <= 80 ? line : `import {\n${names.map((n) => `  ${n},\n`).join("")}} from "kyrage";`;
}

/** `export const name = <doc>;` laid out at top level. */
const declaration = (name: string, doc: Doc) => `export const ${name} = ${layout(doc, 0, 16 + name.length, 1)};`;

/** The config keys the rendered module exports an array for, in the order `defineConfig` reads best. */
/** Every config key `pull` may export an array for (besides `schemas`). */
export const ARRAY_KEYS = [
  "tables",
  "enums",
  "types",
  "views",
  "policies",
  "domains",
  "extensions",
  "sequences",
  "functions",
  "triggers",
] as const;

export function configKeys(schema: PulledSchema): string[] {
  return [...ARRAY_KEYS.filter((k) => k === "tables" || k === "enums" || schema[k].length > 0), "schemas"];
}

export function renderSchema(schema: PulledSchema, unsupported: readonly string[]): string {
  const used = new Set<string>();
  const enumVariables = variableNames(schema.enums.map((e) => e.name), used);
  const typeVariables = variableNames(schema.types.map((t) => t.name), used);
  const tableVariables = variableNames(schema.tables.map((t) => t.name), used);
  const viewVariables = variableNames(schema.views.map((v) => v.name), used);
  const domainVariables = variableNames(schema.domains.map((d) => d.name), used);
  const policyVariables = variableNames(schema.policies.map((p) => `${p.table}\u0000${p.name}`), used);
  const extensionVariables = variableNames(schema.extensions.map((e) => e.name), used);
  const sequenceVariables = variableNames(schema.sequences.map((s) => s.name), used);
  const routineVariables = variableList(schema.functions.map((f) => f.name), used);
  const triggerVariables = variableList(schema.triggers.map((t) => t.name), used);
  // A trigger names its table, or its function (which takes no arguments).
  const triggerTarget = (name: string) =>
    tableVariables.get(name) ?? viewVariables.get(name) ??
      routineVariables[schema.functions.findIndex((f) => f.name === name && (f.args ?? []).length === 0)];
  const variable = (name: string) => enumVariables.get(name) ?? typeVariables.get(name);
  const imports = [
    "column",
    "defineTable",
    ...(schema.enums.length > 0 ? ["defineEnum"] : []),
    ...(schema.types.some((t) => t.kind === "composite") ? ["defineCompositeType"] : []),
    ...(schema.types.some((t) => t.kind === "range") ? ["defineRangeType"] : []),
    ...(schema.tables.some((t) => t.partitionOf) ? ["definePartition"] : []),
    ...(schema.views.some((v) => v.kind === "view") ? ["defineView"] : []),
    ...(schema.views.some((v) => v.kind === "materializedView") ? ["defineMaterializedView"] : []),
    ...(schema.policies.length > 0 ? ["definePolicy"] : []),
    ...(schema.domains.length > 0 ? ["defineDomain"] : []),
    ...(schema.extensions.length > 0 ? ["defineExtension"] : []),
    ...(schema.sequences.length > 0 ? ["defineSequence"] : []),
    ...(schema.functions.some((f) => f.kind === "function") ? ["defineFunction"] : []),
    ...(schema.functions.some((f) => f.kind === "procedure") ? ["defineProcedure"] : []),
    ...(schema.triggers.length > 0 ? ["defineTrigger"] : []),
  ].sort();
  const header = [
    "// Written by `kyrage pull`: the database's schema in kyrage's DSL. Edit freely.",
    ...unsupported.map((u) => `// NOT PULLED (kyrage does not manage it): ${u}`),
  ].join("\n");
  const parts = [
    header,
    importLine(imports),
    ...schema.extensions.map(({ kind: _k, name, ...options }) =>
      declaration(extensionVariables.get(name)!, withOptions("defineExtension", [str(name)], options))
    ),
    ...schema.sequences.map(({ kind: _k, name, ...options }) =>
      declaration(sequenceVariables.get(name)!, withOptions("defineSequence", [str(name)], options))
    ),
    ...schema.enums.map((e) =>
      declaration(enumVariables.get(e.name)!, call("defineEnum", str(e.name), value([...e.values])))
    ),
    ...schema.domains.map((d) => declaration(domainVariables.get(d.name)!, domainDoc(d))),
    ...schema.types.map((t) => declaration(typeVariables.get(t.name)!, userTypeDoc(t, variable))),
    ...schema.functions.map((f, i) => declaration(routineVariables[i], routineDoc(f))),
    ...schema.tables.map((t) =>
      tableSource(tableVariables.get(t.name)!, t, variable, (name) => tableVariables.get(name))
    ),
    ...schema.views.map((v) => declaration(viewVariables.get(v.name)!, viewDoc(v))),
    ...schema.policies.map((p) =>
      declaration(policyVariables.get(`${p.table}\u0000${p.name}`)!, policyDoc(p, (name) => tableVariables.get(name)))
    ),
    ...schema.triggers.map((t, i) => declaration(triggerVariables[i], triggerDoc(t, triggerTarget))),
    declaration("enums", array([...enumVariables.values()].map(text))),
    declaration("tables", array([...tableVariables.values()].map(text))),
    ...(schema.types.length > 0 ? [declaration("types", array([...typeVariables.values()].map(text)))] : []),
    ...(schema.views.length > 0 ? [declaration("views", array([...viewVariables.values()].map(text)))] : []),
    ...(schema.policies.length > 0 ? [declaration("policies", array([...policyVariables.values()].map(text)))] : []),
    ...(schema.domains.length > 0 ? [declaration("domains", array([...domainVariables.values()].map(text)))] : []),
    ...(schema.extensions.length > 0
      ? [declaration("extensions", array([...extensionVariables.values()].map(text)))]
      : []),
    ...(schema.sequences.length > 0
      ? [declaration("sequences", array([...sequenceVariables.values()].map(text)))]
      : []),
    ...(schema.functions.length > 0 ? [declaration("functions", array(routineVariables.map(text)))] : []),
    ...(schema.triggers.length > 0 ? [declaration("triggers", array(triggerVariables.map(text)))] : []),
    declaration("schemas", value([...schema.schemas])),
  ];
  return parts.join("\n\n") + "\n";
}

/**
 * A small layout engine for generated TypeScript, following `deno fmt`'s
 * choices at its default 80 columns: a call, array or object stays on one
 * line when it fits; otherwise a call hangs its last object or array
 * argument (`f("a", {` ... `})`); otherwise every argument or element goes
 * on its own line with a trailing comma.
 */
export type Doc =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "call"; readonly callee: string; readonly args: readonly Doc[] }
  | { readonly kind: "array"; readonly items: readonly Doc[] }
  | { readonly kind: "object"; readonly entries: readonly (readonly [string, Doc])[] };

const WIDTH = 80;

export const text = (t: string): Doc => ({ kind: "text", text: t });
export const call = (callee: string, ...args: Doc[]): Doc => ({ kind: "call", callee, args });
export const array = (items: Doc[]): Doc => ({ kind: "array", items });
export const object = (entries: [string, Doc][]): Doc => ({ kind: "object", entries });

function flat(doc: Doc): string {
  switch (doc.kind) {
    case "text":
      return doc.text;
    case "call":
      return `${doc.callee}(${doc.args.map(flat).join(", ")})`;
    case "array":
      return `[${doc.items.map(flat).join(", ")}]`;
    case "object":
      return doc.entries.length === 0 ? "{}" : `{ ${doc.entries.map(([k, v]) => `${k}: ${flat(v)}`).join(", ")} }`;
  }
}

const pad = (n: number) => " ".repeat(n);

/**
 * Lay `doc` out starting at column `column` of a line indented by `indent`,
 * with `trailer` characters following it on its last line.
 */
export function layout(doc: Doc, indent: number, column: number, trailer = 0): string {
  const one = flat(doc);
  if (column + one.length + trailer <= WIDTH || doc.kind === "text") return one;
  const inner = indent + 2;
  const lines = (items: string[], open: string, close: string) =>
    `${open}\n${items.map((i) => `${pad(inner)}${i},\n`).join("")}${pad(indent)}${close}`;
  switch (doc.kind) {
    case "call": {
      const last = doc.args.at(-1);
      if (last && (last.kind === "object" || last.kind === "array")) {
        const head = `${doc.callee}(${doc.args.slice(0, -1).map((a) => `${flat(a)}, `).join("")}`;
        if (column + head.length + 1 <= WIDTH) {
          return head + layout(last, indent, column + head.length, 1 + trailer) + ")";
        }
      }
      return lines(doc.args.map((a) => layout(a, inner, inner, 1)), `${doc.callee}(`, ")");
    }
    case "array":
      return lines(doc.items.map((i) => layout(i, inner, inner, 1)), "[", "]");
    case "object":
      return lines(
        doc.entries.map(([k, v]) =>
          // A value that cannot break (a long string) moves to its own line; a template literal stays.
          v.kind === "text" && !v.text.includes("\n") && inner + k.length + 2 + v.text.length + 1 > WIDTH
            ? `${k}:\n${pad(inner + 2)}${v.text}`
            : `${k}: ${layout(v, inner, inner + k.length + 2, 1)}`
        ),
        "{",
        "}",
      );
  }
}

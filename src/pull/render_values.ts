/** Values of the rendered config: string literals, keys, plain data, SQL text, option objects. */
import { array, call, type Doc, object, text } from "./layout.ts";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A string literal as `deno fmt` writes it: double quotes, unless that needs more escapes. */
export function quote(value: string): string {
  const doubles = value.split('"').length - 1;
  const singles = value.split("'").length - 1;
  if (doubles <= singles) return JSON.stringify(value);
  return `'${JSON.stringify(value).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

export const str = (value: string) => text(quote(value));
export const key = (name: string) => (IDENTIFIER.test(name) ? name : quote(name));

export function value(v: unknown): Doc {
  if (typeof v === "string") return str(v);
  if (Array.isArray(v)) return array(v.map(value));
  if (v && typeof v === "object") return object(Object.entries(v).map(([k, x]) => [key(k), value(x)]));
  return text(String(v));
}

/** `callee(args..., { options })`, the options left out when empty. */
export function withOptions(callee: string, args: Doc[], options: Record<string, unknown>): Doc {
  const entries = Object.entries(options).filter(([, v]) => v !== undefined);
  return call(callee, ...args, ...(entries.length > 0 ? [value(Object.fromEntries(entries))] : []));
}

/** SQL text, as a template literal when it spans lines and holds nothing a template would interpret. */
export const sqlText = (query: string) =>
  query.includes("\n") && !/[`\\]|\$\{/.test(query) ? text(`\`${query}\``) : str(query);

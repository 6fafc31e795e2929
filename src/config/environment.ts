/**
 * Environment sections, as @izumisy/kyrage (c12) reads them: `$development`,
 * `$production`, ... and `$env: { staging: {...} }`. The section named by
 * KYRAGE_ENV, else NODE_ENV, is merged over the rest of the config the way
 * c12's defu merges: the section wins, objects merge key by key, arrays are
 * concatenated (the section's first), a null or undefined value does not
 * override. Every `$` key is removed after. What would silently pick the
 * wrong section (KYRAGE_ENV naming none, a section in a section) is refused.
 */

export interface Selected {
  readonly config: unknown;
  /** The environment whose section was merged, if one was. */
  readonly environment?: string;
}

export function environmentName(): string | undefined {
  return Deno.env.get("KYRAGE_ENV") || Deno.env.get("NODE_ENV") || undefined;
}

export function selectEnvironment(value: unknown, environment = environmentName()): Selected {
  if (!isPlainObject(value)) return { config: value };
  const envSections = isPlainObject(value.$env) ? value.$env : {};
  const section = environment === undefined ? {} : {
    ...(isPlainObject(value[`$${environment}`]) ? value[`$${environment}`] as Record<string, unknown> : {}),
    ...(isPlainObject(envSections[environment]) ? envSections[environment] as Record<string, unknown> : {}),
  };
  const base = withoutSections(value);
  if (Object.keys(section).length === 0) return { config: base };
  return { config: merge(withoutSections(section), base), environment };
}

export interface Section {
  /** As written: `$production`, `$env.staging`. */
  readonly label: string;
  readonly name: string;
  readonly value: unknown;
}

/** Every environment section of a config: `$name` and `$env.name`. */
export function sectionsOf(value: unknown): Section[] {
  if (!isPlainObject(value)) return [];
  const top = Object.entries(value).filter(([key]) => key.startsWith("$") && key !== "$env")
    .map(([key, section]) => ({ label: key, name: key.slice(1), value: section }));
  const env = Object.entries(isPlainObject(value.$env) ? value.$env : {})
    .map(([name, section]) => ({ label: `$env.${name}`, name, value: section }));
  return [...top, ...env];
}

/** Why the sections cannot be used as written, if they cannot. */
export function sectionProblem(value: unknown, kyrageEnv = Deno.env.get("KYRAGE_ENV")): string | undefined {
  const sections = sectionsOf(value);
  for (const section of sections) {
    if (!isPlainObject(section.value)) return `${section.label} must be an object of config keys`;
    const nested = Object.keys(section.value).find((key) => key.startsWith("$"));
    if (nested) {
      return `${section.label}.${nested} is a section inside a section; sections do not nest, so it would be ` +
        "ignored: put it at the top level";
    }
  }
  // NODE_ENV is set for other tools too; KYRAGE_ENV only ever names a section of this config.
  if (kyrageEnv && sections.length > 0 && !sections.some((s) => s.name === kyrageEnv)) {
    return `KYRAGE_ENV is "${kyrageEnv}", but the config has no $${kyrageEnv} section (it has ${
      sections.map((s) => s.label).join(", ")
    }), so kyrage would use the base config for it; fix KYRAGE_ENV or the section's name`;
  }
  return undefined;
}

function withoutSections(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith("$")));
}

/** defu(over, base). */
function merge(over: Record<string, unknown>, base: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null || value === undefined) continue;
    const under = out[key];
    if (Array.isArray(value) && Array.isArray(under)) out[key] = [...value, ...under];
    else if (isPlainObject(value) && isPlainObject(under)) out[key] = merge(value, under);
    else out[key] = value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

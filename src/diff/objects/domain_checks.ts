/**
 * How a domain's checks change, the one rule the differ, the compiler and the
 * row blockers share. A check is the same when its name and expression are;
 * `notValid` asks only that stored values are not checked, so a valid check
 * satisfies it, and a NOT VALID one wanted valid is validated in place.
 */
import type { DomainCheck, DomainObject } from "../../model/objects/domain.ts";

export interface DomainCheckChanges {
  /** Held but not wanted (or with another expression): dropped. */
  readonly dropped: readonly DomainCheck[];
  /** Each check `to` wants, in its order, and what the ALTER does for it. */
  readonly wanted: readonly { readonly check: DomainCheck; readonly fate: "kept" | "added" | "validated" }[];
}

export function domainCheckChanges(from: DomainObject, to: DomainObject): DomainCheckChanges {
  const key = (c: DomainCheck) => `${c.name}\0${c.expression}`;
  const held = new Map(from.checks.map((c) => [key(c), c]));
  const wanted = new Set(to.checks.map(key));
  return {
    dropped: from.checks.filter((c) => !wanted.has(key(c))),
    wanted: to.checks.map((check) => {
      const found = held.get(key(check));
      return { check, fate: !found ? "added" : found.notValid && !check.notValid ? "validated" : "kept" };
    }),
  };
}

/** The checks whose stored values the change reads: added without NOT VALID, or validated. */
export const checkedChecks = (from: DomainObject, to: DomainObject): DomainCheckChanges["wanted"] =>
  domainCheckChanges(from, to).wanted.filter((w) =>
    w.fate === "validated" || (w.fate === "added" && !w.check.notValid)
  );

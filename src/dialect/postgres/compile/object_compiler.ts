/** What each object kind's compiler provides (compile/objects/<kind>.ts). */
import type { DbObject } from "../../../model/objects.ts";

export interface ObjectCompiler<O extends DbObject> {
  create(object: O): string[];
  drop(object: O): string[];
  /** In place: only what differs between `from` and `to` (same identity). */
  alter(from: O, to: O): string[];
}

/**
 * The dev server's clients share PGlite's one session. pglite-socket queues
 * their messages and keeps a client's turn only while a transaction is
 * open, but a client's unnamed statement and portal also live in the session
 * from its Parse to its Sync: another client's messages in between mix the
 * two up (wrong parameters, or answers). So the session counts as in a
 * transaction, held by its client, from an extended-protocol message until
 * a Sync, a simple Query or a Terminate ends the cycle.
 */
import type { PGlite } from "@electric-sql/pglite";

const ENDS_CYCLE = new Set(["S", "Q", "X"].map((c) => c.charCodeAt(0)));

/** A startup message has no type byte: its length, then protocol version 3.0. */
const isStartup = (message: Uint8Array) =>
  message.length >= 8 && new DataView(message.buffer, message.byteOffset).getInt32(4) === 196608;

export function sharedSession(pglite: PGlite): PGlite {
  let open = false;
  return new Proxy(pglite, {
    get(target, key) {
      if (key === "isInTransaction") return () => open || target.isInTransaction();
      if (key === "execProtocolRawStream") {
        return (message: Uint8Array, ...rest: unknown[]) => {
          open = !isStartup(message) && !ENDS_CYCLE.has(message[0]);
          return (target.execProtocolRawStream as (...args: unknown[]) => unknown)(message, ...rest);
        };
      }
      // pglite-socket's only exec: the ROLLBACK after the holder disconnects, which ends its cycle too.
      if (key === "exec") {
        return (...args: Parameters<PGlite["exec"]>) => {
          open = false;
          return target.exec(...args);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

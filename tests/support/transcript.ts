/** Following a long-running CLI process (`kyrage watch`) from a test. */
import assert from "node:assert/strict";
import { spawnCli } from "./cli.ts";

/** Collects a stream's text and waits until it matches. */
export class Transcript {
  text = "";
  constructor(stream: ReadableStream<Uint8Array>) {
    (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) this.text += chunk;
    })();
  }

  /** The first match of `pattern` in the text after offset `after`; fails after `timeoutMs`. */
  async waitFor(pattern: RegExp, after = 0, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.text.slice(after));
      if (match) return match[0];
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** How often `pattern` (global) occurs. */
  count(pattern: RegExp): number {
    return [...this.text.matchAll(pattern)].length;
  }
}

/**
 * The child's exit status. A child still running after `graceMs` fails the
 * test (and is killed): a liveness check with a wide margin, not a timing
 * assertion.
 */
export async function exitStatus(child: Deno.ChildProcess, graceMs = 60_000): Promise<Deno.CommandStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), graceMs)));
  const status = await Promise.race([child.status, late]);
  clearTimeout(timer);
  if (status) return status;
  child.kill("SIGKILL");
  await child.status;
  throw new Error(`the process was still running ${graceMs / 1000} s after it was asked to stop`);
}

/** A running `kyrage watch`, its stdout and stderr followed as they come. */
export interface Watch {
  readonly child: Deno.ChildProcess;
  readonly out: Transcript;
  readonly err: Transcript;
}

/** Start `kyrage watch <args>` in the project `dir`. */
export function watch(dir: string, ...args: string[]): Watch {
  const child = spawnCli(["watch", ...args], { cwd: dir });
  return { child, out: new Transcript(child.stdout), err: new Transcript(child.stderr) };
}

/** Stop a watch as Ctrl-C does; it must exit 0. */
export async function stop(w: Watch): Promise<void> {
  w.child.kill("SIGINT");
  assert.equal((await exitStatus(w.child)).code, 0, w.err.text);
}

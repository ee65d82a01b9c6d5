import type { ChildProcess } from "node:child_process";

interface Refable {
  ref?: () => unknown;
  unref?: () => unknown;
}

/**
 * Whether a long-lived git child (and its pipes) keeps Node running. A batch process is held
 * while a request waits for its answer and let go when idle, so an idle one never keeps a CLI
 * run from exiting (git then sees its input close, and exits too).
 */
export function holdChild(child: ChildProcess, held: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as (Refable | null)[]) {
    if (handle === null) continue;
    if (held) handle.ref?.();
    else handle.unref?.();
  }
}

/** A timer that does not keep Node running. */
export function idleTimer(ms: number, fire: () => void): NodeJS.Timeout {
  const timer = setTimeout(fire, ms);
  timer.unref();
  return timer;
}

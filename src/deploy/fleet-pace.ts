import type { DeployStep } from "./plan.js";

/**
 * How one rollout is paced against others running beside it (executePlan's `pace`): each step
 * waits for `before`, each finished step is reported to `done`, and once `signal` aborts no
 * further step starts.
 */
export interface Pace {
  /** Resolves when `step` may start, or at once when the signal aborted (then the step is not started). */
  before(step: DeployStep): Promise<void>;
  done(step: DeployStep): void;
  readonly signal: AbortSignal;
}

/** One host's pace in a fleet rollout. */
export interface HostPace extends Pace {
  /** Its plan ended, whatever the result: hosts after it no longer wait for it. */
  end(): void;
  /** Whether it changed what serves there (a switch, a stop, a drain or an unroute was done). */
  served(): boolean;
}

export interface FleetPace<T> {
  /** Each item with its pace, in order. */
  readonly hosts: readonly { readonly item: T; readonly pace: HostPace }[];
  /** Stops every host's rollout: steps under way finish, no other step starts. */
  stop(reason: string): void;
}

/**
 * Hosts in order, `parallel` at a time, overlapped where nothing that serves is at stake.
 * A host begins once every host of the batch before it has made its first switch (its new
 * revision passed the health gate and takes traffic), or ended: a new revision that never gets
 * healthy stops the rollout before the next host is touched. Its own changes to what
 * serves (switches, stops, drains, unroutes) wait until every host before it has made its final
 * switch: one batch of hosts switches at a time, and while one settles the next starts its new
 * containers beside the old ones. Retiring the old containers (drain, stop, remove) overlaps
 * the next host.
 */
export function paceHosts<T>(items: readonly T[], parallel: number): FleetPace<T> {
  const count = items.length;
  const controller = new AbortController();
  const aborted = new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve(), { once: true }));
  const size = Math.max(1, parallel);
  const entered = Array.from({ length: count }, latch);
  const settled = Array.from({ length: count }, latch);
  const before = (index: number): number[] => {
    const batch = Math.floor(index / size);
    if (batch === 0) return [];
    const first = (batch - 1) * size;
    return Array.from({ length: size }, (_, offset) => first + offset);
  };
  const hosts = items.map((item, index) => {
    const previous = before(index);
    const all = (latches: readonly Latch[]): Promise<void> =>
      Promise.race([Promise.all(previous.map((i) => latches[i]?.promise)).then(() => undefined), aborted]);
    let served = false;
    const pace: HostPace = {
      signal: controller.signal,
      before: (step) => all(changesServing(step) ? settled : entered),
      done: (step) => {
        if (changesServing(step)) served = true;
        if (step.kind === "switch") entered[index]?.open();
        if (step.kind === "switch" && step.final) settled[index]?.open();
      },
      end: () => {
        entered[index]?.open();
        settled[index]?.open();
      },
      served: () => served,
    };
    return { item, pace };
  });
  return { hosts, stop: (reason) => controller.abort(reason) };
}

/** Steps that change which replicas serve, or take one away. */
export function changesServing(step: DeployStep): boolean {
  return step.kind === "switch" || step.kind === "stop" || step.kind === "drain" || step.kind === "unroute";
}

interface Latch {
  readonly promise: Promise<void>;
  open(): void;
}

function latch(): Latch {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open: () => open() };
}

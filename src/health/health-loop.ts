import type { Clock } from "./clock.js";
import type { HealthTiming } from "./health-check.js";
import {
  deadlineOutcome,
  pastDeadline,
  probeBudgetMs,
  recordProbe,
  startHealthWait,
  type HealthOutcome,
  type HealthState,
  type ProbeResult,
} from "./health-state.js";
import type { Life } from "./life.js";

/** One probe, given the time it may take and the wait's signal. */
export type Probe = (options: { readonly timeoutMs: number; readonly signal?: AbortSignal }) => Promise<ProbeResult>;

/** Reported after every probe, e.g. to log or record it. */
export interface ProbeEvent {
  /** 1 for the first probe. */
  readonly attempt: number;
  /** Since the wait began. */
  readonly elapsedMs: number;
  readonly result: ProbeResult;
  /** Consecutive failures that count towards `retries`, this one included. */
  readonly failures: number;
}

export interface HealthLoopOptions {
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly onProbe?: (event: ProbeEvent) => void;
  /** When the wait began on `clock` (the deadline and start period count from it); now unless given. */
  readonly startedAt?: number;
  /** The container's life when an earlier phase first saw it: a restart since then fails the wait. */
  readonly baseline?: Life;
}

/**
 * Probes until health-state decides: healthy, exited, unhealthy or past the deadline.
 * Rejects with the signal's reason when `signal` aborts.
 */
export async function runHealthLoop(timing: HealthTiming, probe: Probe, options: HealthLoopOptions): Promise<HealthOutcome> {
  const { clock, signal, onProbe } = options;
  const started = startHealthWait(options.startedAt ?? clock.now());
  let state: HealthState = options.baseline === undefined ? started : { ...started, baseline: options.baseline };
  for (;;) {
    signal?.throwIfAborted();
    const now = clock.now();
    if (pastDeadline(state, timing, now)) return deadlineOutcome(state, timing);
    const result = await probe({ timeoutMs: Math.max(1, Math.ceil(probeBudgetMs(state, timing, now))), ...(signal === undefined ? {} : { signal }) });
    signal?.throwIfAborted();
    const ended = clock.now();
    const step = recordProbe(state, result, timing, ended);
    onProbe?.({ attempt: step.state.probes, elapsedMs: ended - state.startedAt, result, failures: step.state.failures });
    if (step.kind === "done") return step.outcome;
    state = step.state;
    await clock.sleep(step.waitMs, signal);
  }
}

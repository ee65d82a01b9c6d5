import { systemClock, type Clock } from "./clock.js";
import { resolveTiming, type HealthCheck } from "./health-check.js";
import { runHealthLoop, type ProbeEvent } from "./health-loop.js";
import type { HealthOutcome } from "./health-state.js";
import { probeOnce, type HealthTarget } from "./probes.js";

export interface WaitHealthyOptions {
  /** The system's monotonic clock unless given. */
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onProbe?: (event: ProbeEvent) => void;
}

/**
 * Probes the container until it is healthy, has exited, failed `retries` probes in a row
 * after its start period, or the deadline passed. Timings count from the call.
 * Rejects with HEALTH_CHECK_INVALID for a check that cannot run, and with the signal's
 * reason when `signal` aborts.
 */
export async function waitHealthy(check: HealthCheck, target: HealthTarget, options: WaitHealthyOptions = {}): Promise<HealthOutcome> {
  const timing = resolveTiming(check);
  return runHealthLoop(timing, (limits) => probeOnce(check, target, limits), {
    clock: options.clock ?? systemClock,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onProbe === undefined ? {} : { onProbe: options.onProbe }),
  });
}

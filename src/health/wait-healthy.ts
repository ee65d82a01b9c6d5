import { systemClock, type Clock } from "./clock.js";
import { eagerProbes } from "./eager-probes.js";
import { resolveTiming, type HealthCheck } from "./health-check.js";
import { runHealthLoop, type ProbeEvent } from "./health-loop.js";
import type { HealthOutcome } from "./health-state.js";
import { probeOnce, type HealthTarget } from "./probes.js";

export interface WaitHealthyOptions {
  /** The system's monotonic clock unless given. */
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onProbe?: (event: ProbeEvent) => void;
  /**
   * Probe at once and then after 10, 20, 40… ms during the first interval (see eager-probes.ts),
   * for a container that has just started: it is healthy as soon as it answers, not an interval
   * later. Those early failures do not count; the regular probes follow as without it.
   */
  readonly eager?: boolean;
}

/**
 * Probes the container until it is healthy, has exited, failed `retries` probes in a row
 * after its start period, or the deadline passed. Timings count from the call.
 * Rejects with HEALTH_CHECK_INVALID for a check that cannot run, and with the signal's
 * reason when `signal` aborts.
 */
export async function waitHealthy(check: HealthCheck, target: HealthTarget, options: WaitHealthyOptions = {}): Promise<HealthOutcome> {
  const timing = resolveTiming(check);
  const clock = options.clock ?? systemClock;
  const probe = (limits: { readonly timeoutMs: number; readonly signal?: AbortSignal }): ReturnType<typeof probeOnce> => probeOnce(check, target, limits);
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const startedAt = clock.now();
  if (options.eager === true && timing.intervalMs > 0) {
    const early = await eagerProbes(timing, probe, { clock, ...signal });
    if (early.outcome !== undefined) return early.outcome;
  }
  // The regular loop keeps the wait's deadline and start period, counted from the call.
  return runHealthLoop(timing, probe, { clock, startedAt, ...signal, ...(options.onProbe === undefined ? {} : { onProbe: options.onProbe }) });
}

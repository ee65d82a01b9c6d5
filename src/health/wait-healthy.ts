import { systemClock, type Clock } from "./clock.js";
import { eagerProbes } from "./eager-probes.js";
import { resolveTiming, type HealthCheck } from "./health-check.js";
import { runHealthLoop, type Probe, type ProbeEvent } from "./health-loop.js";
import type { HealthOutcome, ProbeResult } from "./health-state.js";
import { probeOnce, type HealthTarget } from "./probes.js";
import { runSettle } from "./settle-loop.js";
import { defaultSettleMs } from "./settle-state.js";

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
  /**
   * false: healthy as soon as a probe passes, without the settle time; the caller watches the
   * settle time itself (waitSettled), e.g. while the container already takes traffic. Default true.
   */
  readonly settle?: boolean;
}

const RUNNING = { kind: "running" } as const satisfies HealthCheck;

/**
 * Probes the container until it passed and then stayed up for the settle time (healthy), has
 * exited or restarted, failed `retries` probes in a row after its start period, or the deadline
 * passed. Timings count from the call. Rejects with HEALTH_CHECK_INVALID for a check that cannot
 * run, and with the signal's reason when `signal` aborts.
 */
export async function waitHealthy(check: HealthCheck, target: HealthTarget, options: WaitHealthyOptions = {}): Promise<HealthOutcome> {
  const timing = resolveTiming(check);
  const clock = options.clock ?? systemClock;
  let last: ProbeResult | undefined;
  const probe: Probe = async (limits) => (last = await probeOnce(check, target, limits));
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const startedAt = clock.now();
  const outcome = await probeUntilDecided(check, probe, { ...options, clock, startedAt });
  const settleMs = timing.settleMs ?? defaultSettleMs(check.kind);
  if (!outcome.healthy || settleMs === 0 || last === undefined || options.settle === false) return outcome;
  const look: Probe = (limits) => probeOnce(RUNNING, target, limits);
  return runSettle(settleMs, look, { clock, startedAt, passed: last, probes: outcome.probes, ...signal });
}

/**
 * The settle time on its own, for a container that passed its check (waitHealthy with settle
 * false): it must stay up, same start and no restart, for the check's settle time from now.
 * Looks at it every SETTLE_LOOK_MS; the first look is the baseline.
 */
export async function waitSettled(
  check: HealthCheck,
  target: HealthTarget,
  options: Pick<WaitHealthyOptions, "clock" | "signal"> = {},
): Promise<HealthOutcome> {
  const clock = options.clock ?? systemClock;
  const settleMs = resolveTiming(check).settleMs ?? defaultSettleMs(check.kind);
  const startedAt = clock.now();
  const look: Probe = (limits) => probeOnce(RUNNING, target, limits);
  const first = await look({ timeoutMs: Math.max(1, settleMs), ...(options.signal === undefined ? {} : { signal: options.signal }) });
  if (first.exited !== undefined || !first.healthy)
    return { healthy: false, reason: first.exited !== undefined ? "exited" : "unhealthy", detail: first.detail, probes: 0 };
  if (settleMs === 0) return { healthy: true, after: 0, probes: 0 };
  // the passing probe was the caller's (waitHealthy with settle false): its words are not known here
  const passed = { ...first, detail: "" };
  return runSettle(settleMs, look, { clock, startedAt, passed, probes: 0, ...(options.signal === undefined ? {} : { signal: options.signal }) });
}

async function probeUntilDecided(
  check: HealthCheck,
  probe: Probe,
  options: WaitHealthyOptions & { readonly clock: Clock; readonly startedAt: number },
): Promise<HealthOutcome> {
  const timing = resolveTiming(check);
  const { clock, startedAt } = options;
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  let baseline = {};
  if (options.eager === true && timing.intervalMs > 0) {
    const early = await eagerProbes(timing, probe, { clock, ...signal });
    if (early.outcome !== undefined) return early.outcome;
    if (early.baseline !== undefined) baseline = { baseline: early.baseline };
  }
  // The regular loop keeps the wait's deadline and start period, counted from the call.
  return runHealthLoop(timing, probe, { clock, startedAt, ...baseline, ...signal, ...(options.onProbe === undefined ? {} : { onProbe: options.onProbe }) });
}

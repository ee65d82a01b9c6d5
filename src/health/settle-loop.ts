import type { Clock } from "./clock.js";
import type { Probe } from "./health-loop.js";
import type { HealthOutcome, ProbeResult } from "./health-state.js";
import { recordLook, type SettleState } from "./settle-state.js";

export interface SettleOptions {
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** When the health wait began. */
  readonly startedAt: number;
  /** The probe that passed, with the container's life as it saw it. */
  readonly passed: ProbeResult;
  readonly probes: number;
}

/** Looks at the container every SETTLE_LOOK_MS until settle-state decides: settled (healthy), exited or restarted. */
export async function runSettle(settleMs: number, look: Probe, options: SettleOptions): Promise<HealthOutcome> {
  const { clock, signal } = options;
  const state: SettleState = {
    startedAt: options.startedAt,
    passedAt: clock.now(),
    passed: options.passed.detail,
    probes: options.probes,
    ...(options.passed.life === undefined ? {} : { baseline: options.passed.life }),
  };
  for (;;) {
    signal?.throwIfAborted();
    const result = await look({ timeoutMs: settleMs, ...(signal === undefined ? {} : { signal }) });
    const step = recordLook(state, result, settleMs, clock.now());
    if (step.kind === "done") return step.outcome;
    await clock.sleep(step.waitMs, signal);
  }
}

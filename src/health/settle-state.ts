/**
 * The settle rule, pure like health-state.ts: after its first passing probe a container must stay
 * up for a settle time (same start, no restart, still running) before it counts as healthy. A
 * process that exits at once looks "running" for a moment, and a restart policy starts it again:
 * without this a `running` check passes a dead service. Times are milliseconds on a monotonic clock.
 */
import type { HealthProbeSpec } from "./health-check.js";
import { formatMs, type HealthOutcome, type ProbeResult } from "./health-state.js";
import { restartedDetail, restartsSince, type Life } from "./life.js";

/** A `running` check has nothing else to go on, so it waits longer than a probe that got an answer. */
export const DEFAULT_SETTLE_MS = { running: 2_000, probe: 500 } as const;

/** How often the container is looked at (inspect only) while it settles. */
export const SETTLE_LOOK_MS = 100;

/** The settle time of a check that does not set one. */
export function defaultSettleMs(kind: HealthProbeSpec["kind"]): number {
  return kind === "running" ? DEFAULT_SETTLE_MS.running : DEFAULT_SETTLE_MS.probe;
}

export interface SettleState {
  /** When the health wait began: a healthy outcome's `after` counts from here. */
  readonly startedAt: number;
  /** When the first probe passed: the settle time counts from here. */
  readonly passedAt: number;
  /** What the passing probe said, e.g. "HTTP 200 from GET …"; empty when not known (waitSettled). */
  readonly passed: string;
  readonly probes: number;
  readonly baseline?: Life;
}

export type SettleStep = { readonly kind: "wait"; readonly waitMs: number } | { readonly kind: "done"; readonly outcome: HealthOutcome };

/** Records one look at the container (a `running` probe) taken at `now`, and decides. */
export function recordLook(state: SettleState, look: ProbeResult, settleMs: number, now: number): SettleStep {
  const since = `${formatMs(now - state.passedAt)} after it passed its health check${state.passed === "" ? "" : ` (${state.passed})`}`;
  if (look.exited !== undefined) return failed(state, "exited", `${look.detail}, ${since}`);
  const restarts = restartsSince(state.baseline, look.life);
  if (restarts > 0) return failed(state, "restarted", restartedDetail(restarts, look.detail));
  if (!look.healthy) return failed(state, "unhealthy", `${look.detail}, ${since}`);
  const settledAt = state.passedAt + settleMs;
  if (now >= settledAt) return { kind: "done", outcome: { healthy: true, after: now - state.startedAt, probes: state.probes } };
  return { kind: "wait", waitMs: Math.min(SETTLE_LOOK_MS, settledAt - now) };
}

function failed(state: SettleState, reason: "exited" | "restarted" | "unhealthy", detail: string): SettleStep {
  return { kind: "done", outcome: { healthy: false, reason, detail, probes: state.probes } };
}

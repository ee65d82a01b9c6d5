/**
 * The pure decision logic of a health wait: given the probes so far and the time, what next.
 * Times are milliseconds on any monotonic clock; nothing here reads a clock or does I/O.
 */
import type { HealthTiming } from "./health-check.js";

/** The outcome of one probe. `pending` failures never count; `exited` ends the wait at once. */
export interface ProbeResult {
  readonly healthy: boolean;
  /** "HTTP 200", "HTTP 404", "connection refused at 127.0.0.1:32768", "exited with code 3 after 0.3 s"... */
  readonly detail: string;
  /** Not healthy yet for a reason that is not a failure (Docker's own check is still starting). */
  readonly pending?: boolean;
  /** The container has stopped (or is gone): waiting longer cannot help. */
  readonly exited?: { readonly exitCode: number | undefined };
}

export type FailureReason = "deadline" | "exited" | "unhealthy";

export type HealthOutcome =
  | { readonly healthy: true; readonly after: number; readonly probes: number }
  | { readonly healthy: false; readonly reason: FailureReason; readonly detail: string; readonly probes: number };

export interface HealthState {
  readonly startedAt: number;
  readonly probes: number;
  /** Consecutive failures that counted (outside the start period, not pending). */
  readonly failures: number;
}

export type HealthStep =
  | { readonly kind: "wait"; readonly state: HealthState; readonly waitMs: number }
  | { readonly kind: "done"; readonly state: HealthState; readonly outcome: HealthOutcome };

export function startHealthWait(now: number): HealthState {
  return { startedAt: now, probes: 0, failures: 0 };
}

/** How long the next probe may take: its timeout, cut short by the deadline (at least 1 ms). */
export function probeBudgetMs(state: HealthState, timing: HealthTiming, now: number): number {
  return Math.max(1, Math.min(timing.timeoutMs, state.startedAt + timing.deadlineMs - now));
}

/** True when the deadline has passed: no probe should start. */
export function pastDeadline(state: HealthState, timing: HealthTiming, now: number): boolean {
  return now >= state.startedAt + timing.deadlineMs;
}

/** Whether a failure at `now` would count towards `retries`. */
export function failureCounts(state: HealthState, timing: HealthTiming, now: number): boolean {
  return now - state.startedAt >= timing.startPeriodMs;
}

/** Records a probe that ended at `now` and decides: done (healthy, exited, unhealthy, deadline) or wait and probe again. */
export function recordProbe(state: HealthState, result: ProbeResult, timing: HealthTiming, now: number): HealthStep {
  const probes = state.probes + 1;
  if (result.healthy) return done({ ...state, probes }, { healthy: true, after: now - state.startedAt, probes });
  if (result.exited !== undefined) return done({ ...state, probes }, { healthy: false, reason: "exited", detail: result.detail, probes });

  const counts = result.pending !== true && failureCounts(state, timing, now);
  const failures = counts ? state.failures + 1 : state.failures;
  const next: HealthState = { ...state, probes, failures };
  if (failures >= timing.retries) {
    const detail = `${failures} probes in a row failed; the last: ${result.detail}`;
    return done(next, { healthy: false, reason: "unhealthy", detail, probes });
  }
  const deadlineAt = state.startedAt + timing.deadlineMs;
  if (now >= deadlineAt) {
    const detail = `not healthy within ${formatMs(timing.deadlineMs)}; the last probe: ${result.detail}`;
    return done(next, { healthy: false, reason: "deadline", detail, probes });
  }
  return { kind: "wait", state: next, waitMs: Math.min(timing.intervalMs, deadlineAt - now) };
}

/** The outcome when the deadline passes before a probe could start or finish. */
export function deadlineOutcome(state: HealthState, timing: HealthTiming, lastDetail: string | undefined): HealthOutcome {
  const last = lastDetail === undefined ? "no probe finished" : `the last probe: ${lastDetail}`;
  return { healthy: false, reason: "deadline", detail: `not healthy within ${formatMs(timing.deadlineMs)}; ${last}`, probes: state.probes };
}

/** 30 -> "0.03 s", 300 -> "0.3 s", 2000 -> "2 s", 90000 -> "90 s". */
export function formatMs(ms: number): string {
  const seconds = ms / 1000;
  const digits = seconds < 1 ? 2 : seconds < 10 ? 1 : 0;
  return `${Number(seconds.toFixed(digits))} s`;
}

function done(state: HealthState, outcome: HealthOutcome): HealthStep {
  return { kind: "done", state, outcome };
}

/**
 * The pure decision logic of a health wait: given the probes so far and the time, what next.
 * Times are milliseconds on any monotonic clock; nothing here reads a clock or does I/O.
 */
import type { HealthTiming } from "./health-check.js";
import { restartedDetail, restartsSince, type Life } from "./life.js";

/** The outcome of one probe. `pending` failures never count; `exited` ends the wait at once. */
export interface ProbeResult {
  readonly healthy: boolean;
  /** "HTTP 200", "HTTP 404", "connection refused at 127.0.0.1:32768", "exited with code 3 after 0.3 s"... */
  readonly detail: string;
  /** Not healthy yet for a reason that is not a failure (Docker's own check is still starting). */
  readonly pending?: boolean;
  /** The container has stopped (or is gone): waiting longer cannot help. */
  readonly exited?: { readonly exitCode: number | undefined };
  /** The probe gave up after this long without an answer (a timeout, not a refusal or a status). */
  readonly timedOut?: { readonly afterMs: number };
  /** When the container last started and how often its restart policy restarted it, as inspect said during the probe. */
  readonly life?: Life;
}

export type FailureReason = "deadline" | "exited" | "restarted" | "unhealthy";

export type HealthOutcome =
  | { readonly healthy: true; readonly after: number; readonly probes: number }
  | { readonly healthy: false; readonly reason: FailureReason; readonly detail: string; readonly probes: number };

export interface HealthState {
  readonly startedAt: number;
  readonly probes: number;
  /** Consecutive failures that counted (outside the start period, not pending). */
  readonly failures: number;
  /** The container's life at the first probe that saw it: a later start or restart count means it restarted. */
  readonly baseline?: Life;
  /** The detail of the last probe that really answered (not one the deadline cut short): what a failure names. */
  readonly lastReal?: string;
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

/**
 * Records a probe that ended at `now` and decides: done (healthy, exited, restarted, unhealthy,
 * deadline) or wait and probe again. A container that restarted since the first probe fails
 * whatever the probe says: its restart policy hides a crash.
 */
export function recordProbe(state: HealthState, result: ProbeResult, timing: HealthTiming, now: number): HealthStep {
  const probes = state.probes + 1;
  const baseline = state.baseline ?? result.life;
  const cutShort = result.timedOut !== undefined && result.timedOut.afterMs < timing.timeoutMs && state.lastReal !== undefined;
  const lastReal = cutShort ? state.lastReal : result.detail;
  const seen: HealthState = { ...state, probes, ...(baseline === undefined ? {} : { baseline }), ...(lastReal === undefined ? {} : { lastReal }) };
  if (result.exited !== undefined) return done(seen, { healthy: false, reason: "exited", detail: result.detail, probes });
  const restarts = restartsSince(baseline, result.life);
  if (restarts > 0) return done(seen, { healthy: false, reason: "restarted", detail: restartedDetail(restarts, result.detail), probes });
  if (result.healthy) return done(seen, { healthy: true, after: now - state.startedAt, probes });

  // A probe the deadline cut short says nothing about the app: it neither counts nor replaces the last answer.
  const counts = result.pending !== true && !cutShort && failureCounts(state, timing, now);
  const failures = counts ? state.failures + 1 : state.failures;
  const next: HealthState = { ...seen, failures };
  if (failures >= timing.retries) {
    const detail = `${failures} probes in a row failed; the last: ${result.detail}`;
    return done(next, { healthy: false, reason: "unhealthy", detail, probes });
  }
  const deadlineAt = state.startedAt + timing.deadlineMs;
  if (now >= deadlineAt) {
    const detail = `not healthy within ${formatMs(timing.deadlineMs)}; the last probe: ${lastReal ?? result.detail}`;
    return done(next, { healthy: false, reason: "deadline", detail, probes });
  }
  return { kind: "wait", state: next, waitMs: Math.min(timing.intervalMs, deadlineAt - now) };
}

/** The outcome when the deadline passes before a probe could start or finish. */
export function deadlineOutcome(state: HealthState, timing: HealthTiming, lastDetail: string | undefined = state.lastReal): HealthOutcome {
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

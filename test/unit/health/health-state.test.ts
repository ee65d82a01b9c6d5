import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_HEALTH_TIMING, type HealthTiming } from "../../../src/health/health-check.js";
import {
  deadlineOutcome,
  formatMs,
  pastDeadline,
  probeBudgetMs,
  recordProbe,
  startHealthWait,
  type HealthState,
  type HealthStep,
  type ProbeResult,
} from "../../../src/health/health-state.js";

const timing = (overrides: Partial<HealthTiming> = {}): HealthTiming => ({ ...DEFAULT_HEALTH_TIMING, ...overrides });
const failing: ProbeResult = { healthy: false, detail: "HTTP 503" };
const healthy: ProbeResult = { healthy: true, detail: "HTTP 200" };

/** Feeds results at the given times (ms since start) and returns every step. */
function run(t: HealthTiming, probes: Array<[number, ProbeResult]>): HealthStep[] {
  let state: HealthState = startHealthWait(1_000);
  const steps: HealthStep[] = [];
  for (const [at, result] of probes) {
    const step = recordProbe(state, result, t, 1_000 + at);
    steps.push(step);
    state = step.state;
    if (step.kind === "done") break;
  }
  return steps;
}

function last(steps: HealthStep[]): HealthStep {
  const step = steps.at(-1);
  assert.ok(step);
  return step;
}

test("a healthy probe ends the wait, reporting the time since the start and the probe count", () => {
  const step = last(
    run(timing(), [
      [0, failing],
      [1_000, healthy],
    ]),
  );
  assert.deepEqual(step.kind === "done" && step.outcome, { healthy: true, after: 1_000, probes: 2 });
});

test("`retries` failures in a row make the container unhealthy, naming the last failure", () => {
  const steps = run(timing({ retries: 3 }), [
    [0, failing],
    [1_000, failing],
    [2_000, { healthy: false, detail: "HTTP 404" }],
    [3_000, healthy],
  ]);
  assert.equal(steps.length, 3);
  const step = last(steps);
  assert.equal(step.kind, "done");
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.equal(step.outcome.reason, "unhealthy");
  assert.equal(step.outcome.probes, 3);
  assert.match(step.outcome.detail, /3 probes in a row failed; the last: HTTP 404$/);
});

test("failures in the start period do not count; the first one after it does", () => {
  const t = timing({ startPeriodMs: 5_000, retries: 2 });
  const steps = run(t, [
    [0, failing],
    [1_000, failing],
    [2_000, failing],
    [4_999, failing],
    [5_000, failing],
    [6_000, failing],
  ]);
  assert.deepEqual(
    steps.map((s) => s.state.failures),
    [0, 0, 0, 0, 1, 2],
  );
  const step = last(steps);
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.equal(step.outcome.reason, "unhealthy");
  assert.equal(step.outcome.probes, 6);
});

test("pending results (Docker's check still starting, container not started) never count, so only the deadline ends them", () => {
  const pending: ProbeResult = { healthy: false, pending: true, detail: "Docker's health check is still starting" };
  const t = timing({ retries: 1, deadlineMs: 3_000 });
  const steps = run(t, [
    [0, pending],
    [1_000, pending],
    [2_000, pending],
    [3_000, pending],
  ]);
  assert.deepEqual(
    steps.map((s) => s.state.failures),
    [0, 0, 0, 0],
  );
  const step = last(steps);
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.equal(step.outcome.reason, "deadline");
  assert.match(step.outcome.detail, /^not healthy within 3 s; the last probe: Docker's health check is still starting$/);
});

test("an exited container ends the wait at once, even in the start period, with its exit detail", () => {
  const exited: ProbeResult = { healthy: false, detail: "exited with code 3 after 0.3 s", exited: { exitCode: 3 } };
  const step = last(
    run(timing({ startPeriodMs: 30_000 }), [
      [0, failing],
      [400, exited],
    ]),
  );
  assert.deepEqual(step.kind === "done" && step.outcome, { healthy: false, reason: "exited", detail: "exited with code 3 after 0.3 s", probes: 2 });
});

test("the deadline ends the wait even when failures never count", () => {
  const t = timing({ startPeriodMs: 60_000, deadlineMs: 2_500 });
  const steps = run(t, [
    [0, failing],
    [1_000, failing],
    [2_000, failing],
    [2_500, failing],
  ]);
  const step = last(steps);
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.equal(step.outcome.reason, "deadline");
  assert.equal(step.outcome.probes, 4);
});

test("the pause before the next probe is the interval, cut short by the deadline", () => {
  const t = timing({ intervalMs: 1_000, deadlineMs: 2_500, retries: 10 });
  const steps = run(t, [
    [0, failing],
    [2_000, failing],
  ]);
  assert.deepEqual(
    steps.map((s) => (s.kind === "wait" ? s.waitMs : -1)),
    [1_000, 500],
  );
});

test("a probe may take its timeout, but no longer than is left before the deadline", () => {
  const t = timing({ timeoutMs: 2_000, deadlineMs: 5_000 });
  const state = startHealthWait(0);
  assert.equal(probeBudgetMs(state, t, 0), 2_000);
  assert.equal(probeBudgetMs(state, t, 4_200), 800);
  assert.equal(probeBudgetMs(state, t, 5_000), 1);
  assert.equal(pastDeadline(state, t, 4_999), false);
  assert.equal(pastDeadline(state, t, 5_000), true);
});

test("a deadline that passes before any probe finished says so", () => {
  const outcome = deadlineOutcome(startHealthWait(0), timing({ deadlineMs: 1_500 }), undefined);
  assert.deepEqual(outcome, { healthy: false, reason: "deadline", detail: "not healthy within 1.5 s; no probe finished", probes: 0 });
});

test("durations read as people write them", () => {
  assert.equal(formatMs(0), "0 s");
  assert.equal(formatMs(30), "0.03 s");
  assert.equal(formatMs(300), "0.3 s");
  assert.equal(formatMs(2_000), "2 s");
  assert.equal(formatMs(2_345), "2.3 s");
  assert.equal(formatMs(90_000), "90 s");
});

test("a container restarted since the first probe fails the wait at once, even when the probe passes", () => {
  const first: ProbeResult = { healthy: false, detail: "connection refused at 127.0.0.1:32768", life: { startedAt: "t0", restarts: 0 } };
  const again: ProbeResult = { healthy: true, detail: "HTTP 200", life: { startedAt: "t1", restarts: 1 } };
  const step = last(
    run(timing({ startPeriodMs: 30_000 }), [
      [0, first],
      [1_000, again],
    ]),
  );
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.equal(step.outcome.reason, "restarted");
  assert.match(step.outcome.detail, /^restarted 1 time during the health check.*HTTP 200\)$/);
});

test("a probe the deadline cut short neither counts nor hides the last real answer (HTTP 404, not 'no answer in 0 s')", () => {
  const t = timing({ timeoutMs: 2_000, deadlineMs: 4_000, retries: 1_000 });
  const notFound: ProbeResult = { healthy: false, detail: "HTTP 404 from GET http://127.0.0.1:32768/healthz (expected 200)" };
  const cutShort: ProbeResult = { healthy: false, detail: "no answer from http://127.0.0.1:32768/healthz in 0 s", timedOut: { afterMs: 1 } };
  const steps = run(t, [
    [0, notFound],
    [2_000, notFound],
    [4_000, cutShort],
  ]);
  const step = last(steps);
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.equal(step.outcome.reason, "deadline");
  assert.equal(step.outcome.detail, "not healthy within 4 s; the last probe: HTTP 404 from GET http://127.0.0.1:32768/healthz (expected 200)");
  assert.equal(step.state.failures, 2);
  assert.equal(deadlineOutcome(step.state, t).healthy, false);
  assert.match((deadlineOutcome(step.state, t) as { detail: string }).detail, /HTTP 404/);
});

test("a probe that used its whole timeout is a real answer", () => {
  const t = timing({ timeoutMs: 2_000, deadlineMs: 4_000, retries: 1_000 });
  const slow: ProbeResult = { healthy: false, detail: "no answer from http://127.0.0.1:32768/ in 2 s", timedOut: { afterMs: 2_000 } };
  const step = last(
    run(t, [
      [0, { healthy: false, detail: "HTTP 404" }],
      [4_000, slow],
    ]),
  );
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.match(step.outcome.detail, /the last probe: no answer from .* in 2 s$/);
});
